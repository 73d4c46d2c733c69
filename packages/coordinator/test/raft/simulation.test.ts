import { describe, expect, it } from 'vitest';
import { runSeed } from '../../src/raft/sim/simulation.js';

// Seeded deterministic simulation: drops, delays, reordering, duplication,
// symmetric and one-way partitions, crash-restarts losing unsynced writes,
// stalls ending in clock jumps, leadership transfers; safety checked after
// every event, liveness after healing. `pnpm sim --seeds N` runs more.
function runSeeds(from: number, count: number, nodes: number, chaosTicks: number): void {
  let committed = 0;
  for (let seed = from; seed < from + count; seed++) {
    const res = runSeed({ seed, nodes, chaosTicks });
    if (!res.ok) {
      const extra = `${nodes !== 3 ? ` --nodes ${nodes}` : ''}${chaosTicks !== 150 ? ` --chaos-ticks ${chaosTicks}` : ''}`;
      expect.fail(`seed ${seed}: ${res.failure}\nreplay: pnpm sim --seed ${seed}${extra} --trace`);
    }
    committed += res.stats.committed;
  }
  // The faults must leave room for progress, or the safety checks prove little.
  expect(committed).toBeGreaterThan(count * 10);
}

describe('raft simulation', () => {
  it('3 voters: seeds 1..2000 keep every invariant and recover after healing', { timeout: 120_000 }, () => {
    runSeeds(1, 2000, 3, 1000);
  });

  it('5 voters: seeds 1..600', { timeout: 120_000 }, () => {
    runSeeds(1, 600, 5, 1000);
  });

  it('catches a vote rule that ignores the candidate log (mutation)', () => {
    let caught = 0;
    for (let seed = 1; seed <= 2000 && caught === 0; seed++) {
      const res = runSeed({ seed, mutation: 'vote-ignores-log' });
      if (!res.ok) {
        caught = seed;
        expect(['leader completeness', 'log matching', 'state machine safety', 'exception']).toContain(res.invariant);
      }
    }
    expect(caught).toBeGreaterThan(0);
  });

  it('catches a vote rule that votes twice in a term (mutation)', () => {
    let caught = 0;
    for (let seed = 1; seed <= 2000 && caught === 0; seed++) {
      const res = runSeed({ seed, mutation: 'vote-twice' });
      if (!res.ok) {
        caught = seed;
        expect(res.invariant).toBe('election safety');
      }
    }
    expect(caught).toBeGreaterThan(0);
  });
});
