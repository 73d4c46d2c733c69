import { expect } from 'vitest';
import { runSeed } from '../../src/raft/sim/simulation.js';

// Seeded deterministic simulation: drops, delays, reordering, duplication,
// symmetric and one-way partitions, crash-restarts losing unsynced writes,
// stalls ending in clock jumps, leadership transfers; safety checked after
// every event, liveness after healing. `pnpm sim --seeds N` runs more.
export function runSeeds(from: number, count: number, nodes: number, chaosTicks: number): void {
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

