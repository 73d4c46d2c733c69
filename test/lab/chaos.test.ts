import { describe, expect, it } from 'vitest';
import { runChaos } from '../chaos/run.js';

// A short, bounded Jepsen-style run in CI (`pnpm chaos --minutes 30` is the long one, on demand):
// its own lab (id 7, not the suite's), a fixed seed so a failure replays with
// `pnpm chaos --minutes 3 --seed 13 --lab-id 7`.
const SEED = 13;

describe('chaos (seeded faults under a write workload)', () => {
  it('loses no acknowledged write, has no split brain and no wrongful failover', { timeout: 20 * 60_000 }, async () => {
    const out = await runChaos({ labId: 7, minutes: 3, seed: SEED, log: (l) => console.log(`[chaos] ${l}`) });
    console.log(out.summary);
    const r = out.report.result;
    expect(out.report.faults.length).toBeGreaterThanOrEqual(3);
    expect(r.writes.acknowledged).toBeGreaterThan(100);
    expect(r.lost).toEqual(Object.fromEntries(Object.keys(r.lost).map((n) => [n, { count: 0, sample: [] }])));
    expect(Object.keys(r.lost).sort()).toEqual(['web001', 'web002']);
    expect(r.splitBrain).toEqual([]);
    expect(r.failovers.filter((f) => f.wrongful)).toEqual([]);
    expect(r.stuck).toEqual([]);
  });
});
