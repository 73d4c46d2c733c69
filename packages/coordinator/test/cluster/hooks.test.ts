import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runHooks } from '../../src/cluster/hooks.js';
import { Executor } from '../../src/cluster/executor.js';
import { decodeEntry, type Entry } from '../../src/engine/cluster-state.js';

const dir = mkdtempSync(join(tmpdir(), 'wha-hooks-'));
const logger = pino({ level: 'silent' });

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const ctx = { old: 'web001', new: 'web002', epoch: 8, reason: 'web001 failed: MySQL is down' };

describe('failover hooks (real programs, WHA_* environment)', () => {
  it('passes old, new, epoch and reason to the hook and its arguments verbatim', async () => {
    const out = join(dir, 'env.txt');
    const hook = script('post.sh', `printf '%s|%s|%s|%s|%s' "$WHA_OLD" "$WHA_NEW" "$WHA_EPOCH" "$WHA_REASON" "$1" > "$2"`);
    const r = await runHooks([hook, 'arg with spaces; $(not run)', out], ctx, logger);
    expect(r.ok).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('web001|web002|8|web001 failed: MySQL is down|arg with spaces; $(not run)');
  });

  it('reports a non-zero exit with its last stderr line (a veto)', async () => {
    const hook = script('veto.sh', 'echo "change freeze until 18:00" >&2; exit 3');
    const r = await runHooks([hook], ctx, logger);
    expect(r).toEqual({ ok: false, message: `${hook} exited 3: change freeze until 18:00` });
  });

  it('treats no hook as a pass', async () => {
    expect(await runHooks(undefined, ctx, logger)).toEqual({ ok: true, message: '' });
  });

  it('a vetoed automatic failover commits no intent and pauses automation', async () => {
    const proposed: Entry[] = [];
    const ex = new Executor({
      consensus: {
        propose: async (data) => {
          proposed.push(decodeEntry(data));
          return { index: proposed.length, term: 1 };
        },
        status: () => ({ id: 'c1', role: 'leader', term: 1, commitIndex: 0, appliedIndex: 0, leaderId: 'c1', leaseValid: true, peers: [] }),
      },
      agents: {
        latest: () => null,
        connected: () => false,
        sendCommand: async () => {
          throw new Error('no agents in this test');
        },
        sendLease: () => false,
      },
      logger,
      rsyncUrls: {},
      hooks: { preFailover: [script('freeze.sh', 'echo frozen >&2; exit 1')] },
      commandTimeoutMs: 100,
      catchUpTimeoutMs: 100,
      syncTimeoutMs: 100,
      currentOperation: () => null,
      waitForLb: async () => true,
    });
    const { initialState } = await import('../../src/engine/cluster-state.js');
    ex.execute({ kind: 'failover', from: 'web001', to: 'web002', reason: 'test' }, { ...initialState(), initialized: true, active: 'web001', epoch: 3 });
    for (let i = 0; i < 100 && ex.busy().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(proposed.map((e) => e.type)).toEqual(['pause']);
    expect(proposed[0]).toMatchObject({ on: true, reason: expect.stringMatching(/pre-failover hook vetoed failover to web002: .*freeze\.sh exited 1: frozen/) });
  });
});
