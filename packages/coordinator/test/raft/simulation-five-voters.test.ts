import { describe, it } from 'vitest';
import { runSeeds } from './sim-seeds.js';

// The same simulation with five voters (quorum 3), in its own file so vitest
// runs it on the other core.
describe('raft simulation, five voters', () => {
  it('5 voters: seeds 1..500 keep every invariant and recover after healing', { timeout: 180_000 }, () => {
    runSeeds(1, 500, 5, 800);
  });
});
