import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent.js';
import { agentConfig } from '../support/agent-config.js';
import { startLinkServer, type LinkServer } from '../support/link-server.js';
import { startMariaDb, type MariaDbServer } from '../support/mariadb-server.js';
import { waitFor } from '../support/process-handle.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

let dir: string;
let db: MariaDbServer;
let server: LinkServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-cron-'));
  db = await startMariaDb(join(dir, 'db'), 1);
  server = await startLinkServer('c1', 0, { leader: true, term: 3 });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, dataDir: string, extra = ''): string {
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `node: web001\ninsecure: true\ndataDir: ${dataDir}\ncoordinators:\n  - { id: c1, address: "127.0.0.1:1" }\nphpFpm: { socket: /nonexistent.sock }\nfiles: { root: ${root} }\n${extra}`,
  );
  return f;
}

/** Runs the real binary (from source through tsx) and returns its exit code and output. */
function cron(config: string, cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, 'cron', '--config', config, '--', ...cmd], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

describe('cron gate (whmcs-ha-agent cron -- ...)', () => {
  it('runs the command with a fresh lease for this node at the current epoch, received over the stream', async () => {
    const dataDir = join(dir, 'data-live');
    const cfg = agentConfig({ node: 'web001', dataDir, root: join(dir, 'root'), coordinators: [server.address], db, fpmSocket: '/nonexistent.sock' });
    mkdirSync(cfg.files.root, { recursive: true });
    const agent = new Agent(cfg);
    await agent.start();
    try {
      await waitFor('connected', async () => server.links.node('web001')?.connected && agent.links[0]!.connected);
      expect(server.links.sendLease('web001', { node: 'web001', epoch: 2, term: 3, durationMs: 30_000 })).toBe(true);
      await waitFor('lease stored', async () => agent.leases.lease?.epoch === 2);
      // the report carries the lease
      await waitFor('lease in report', async () => server.links.node('web001')?.report?.leaseEpoch === 2);
      expect(server.links.node('web001')!.report!.leaseExpiresAtMs).toBeGreaterThan(Date.now());
      const config = writeConfig('live', dataDir);
      const marker = join(dir, 'ran');
      const r = await cron(config, ['touch', marker]);
      expect(r).toMatchObject({ code: 0, stdout: '' });
      expect(existsSync(marker)).toBe(true);
      // the command's exit code passes through
      expect((await cron(config, [process.execPath, '-e', 'process.exit(7)'])).code).toBe(7);
      expect((await cron(config, ['/nonexistent/cmd'])).code).toBe(127);

      // a lease from a coordinator that does not lead is ignored
      server.leadership.leader = false;
      server.links.announceLeadership();
      await waitFor('follower welcome', async () => agent.links[0]!.leadership?.leader === false);
      server.links.sendLease('web001', { node: 'web002', epoch: 2, term: 3, durationMs: 30_000 });
      await new Promise((r) => setTimeout(r, 200));
      expect(agent.leases.lease?.node).toBe('web001');
      server.leadership.leader = true;
      server.links.announceLeadership();
      await waitFor('leader welcome', async () => agent.links[0]!.leadership?.leader === true);

      // the leader moves the lease to web002 at a new epoch: web001 must not run cron any more
      server.links.sendLease('web001', { node: 'web002', epoch: 3, term: 3, durationMs: 30_000 });
      await waitFor('lease moved', async () => agent.leases.lease?.node === 'web002');
      rmSync(marker);
      const skip = await cron(config, ['touch', marker]);
      expect(skip.code).toBe(0);
      expect(skip.stdout).toBe('whmcs-ha-agent cron: skipped: web001 is not active; the lease at epoch 3 is for web002\n');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await agent.stop();
    }
  });

  it('skips quietly (exit 0, one line) without a lease, with an expired one, or one for an older epoch', async () => {
    const marker = join(dir, 'never');
    const none = join(dir, 'data-none');
    mkdirSync(none);
    const a = await cron(writeConfig('none', none), ['touch', marker]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^whmcs-ha-agent cron: skipped: web001 holds no lease/);
    expect(a.stdout.split('\n').length).toBe(2);

    const expired = join(dir, 'data-expired');
    mkdirSync(expired);
    writeFileSync(join(expired, 'lease.json'), JSON.stringify({ node: 'web001', epoch: 1, term: 1, durationMs: 1000, receivedAtMs: Date.now() - 5000, coordinatorId: 'c1' }));
    const b = await cron(writeConfig('expired', expired), ['touch', marker]);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/skipped: the lease of web001 at epoch 1 expired \d+\.\d s ago \(not renewed by the leader\)/);

    const older = join(dir, 'data-older');
    mkdirSync(older);
    writeFileSync(join(older, 'lease.json'), JSON.stringify({ node: 'web001', epoch: 4, term: 1, durationMs: 60_000, receivedAtMs: Date.now(), coordinatorId: 'c1' }));
    writeFileSync(join(older, 'fencing.json'), JSON.stringify({ highestEpoch: 5, highestTerm: 2 }));
    const c = await cron(writeConfig('older', older), ['touch', marker]);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/skipped: the lease of web001 is for epoch 4, the current epoch is 5/);
    expect(existsSync(marker)).toBe(false);
  });

  it('with cron.lockFile, a second run while the first holds the lock is skipped; a stale lock is taken over', async () => {
    const dataDir = join(dir, 'data-lock');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'lease.json'), JSON.stringify({ node: 'web001', epoch: 1, term: 1, durationMs: 60_000, receivedAtMs: Date.now(), coordinatorId: 'c1' }));
    const lock = join(dir, 'cron.lock');
    const config = writeConfig('lock', dataDir, `cron: { lockFile: ${lock} }\n`);
    const slow = cron(config, [process.execPath, '-e', 'setTimeout(() => {}, 4000)']);
    await waitFor('lock taken', async () => existsSync(lock), 10_000);
    const second = await cron(config, ['true']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/skipped: the previous run \(pid \d+\) still holds .*cron\.lock/);
    expect((await slow).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    // a lock left by a crashed run (a pid that does not exist) is taken over
    writeFileSync(lock, '999999\n');
    const marker = join(dir, 'after-stale');
    expect((await cron(config, ['touch', marker])).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('bad config or usage exits 2 naming the field', async () => {
    const bad = writeConfig('bad', join(dir, 'data-bad'), 'reportIntervalMs: 10\n');
    const r = await cron(bad, ['true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reportIntervalMs: .*(>=|at least|too small)/i);
    const noCmd = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', MAIN, 'cron', '--config', bad], (err, _o, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr })),
    );
    expect(noCmd.code).toBe(2);
    expect(noCmd.stderr).toMatch(/command: cron needs a command after --/);
    const unknown = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', MAIN, '--bogus'], (err, _o, stderr) => resolve({ code: (err as { code?: number } | null)?.code ?? 0, stderr })),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--bogus: unknown option/);
  });
});
