import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../src/raft/sim/simulation.js';

const CLI = fileURLToPath(new URL('../../src/raft/sim/cli.ts', import.meta.url));
const run = async (args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args]);
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
};

describe('pnpm sim', () => {
  it('is deterministic: a seed replays to the same trace', () => {
    const a = runSeed({ seed: 42, trace: true });
    const b = runSeed({ seed: 42, trace: true });
    expect(a.ok).toBe(true);
    expect(a.trace.length).toBeGreaterThan(100);
    expect(b.trace).toEqual(a.trace);
  });

  it('prints the one command that replays a failing seed, and that command fails the same way', { timeout: 60_000 }, async () => {
    const first = await run(['--seeds', '50', '--mutation', 'vote-twice']);
    expect(first.code).toBe(1);
    const replay = /replay: pnpm sim (.+)$/m.exec(first.stdout)?.[1];
    expect(replay).toMatch(/^--seed \d+ --mutation vote-twice --trace$/);
    const failure = /^seed \d+ FAILED .*$/m.exec(first.stdout)?.[0];
    const again = await run(replay!.split(' '));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(failure!);
    expect(again.stdout).toMatch(/->.* vote term=/); // the trace came with it
  });

  it('rejects bad arguments with exit code 2, naming the option', async () => {
    const r = await run(['--seeds', 'many']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('--seeds: must be an integer >= 1, got "many"');
  });
});
