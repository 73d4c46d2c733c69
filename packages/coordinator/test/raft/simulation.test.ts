import { describe, expect, it } from 'vitest';
import { runSeed } from '../../src/raft/sim/simulation.js';
import { runSeeds } from './sim-seeds.js';

describe('raft simulation', () => {
  it('3 voters: seeds 1..2000 keep every invariant and recover after healing', { timeout: 180_000 }, () => {
    runSeeds(1, 2000, 3, 800);
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
