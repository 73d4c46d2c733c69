import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/cluster/coordinator.js';
import { startTrio, until } from './coordinator-trio.js';

describe('a planned stop of the leader', () => {
  let trio: Awaited<ReturnType<typeof startTrio>>;
  beforeAll(async () => {
    trio = await startTrio({});
  });
  afterAll(async () => {
    await trio.stop();
  });

  it('hands leadership to another voter before it stops: the group has a leader the moment stop() returns', async () => {
    const leader = await until('a leader', () => trio.coordinators.find((c) => c.raft.status().role === 'leader' && c.raft.status().leaseValid), 30_000);
    const others = trio.coordinators.filter((c) => c !== leader);
    // every follower knows the leader and has its log (the transfer target must be caught up)
    await until('followers caught up', () => others.every((c) => c.raft.status().leaderId === leader.cfg.id && c.raft.status().commitIndex === leader.raft.status().commitIndex));
    const term = leader.raft.status().term;
    await leader.stop();
    // without a handover the followers would still follow the stopped leader here, for a whole
    // election timeout (1-2 s in this trio); with it, one of them already leads, one term later
    const now: Coordinator | undefined = others.find((c) => c.raft.status().role === 'leader');
    expect(now, 'a new leader at the moment the old one stopped').toBeDefined();
    expect(now!.raft.status().term).toBe(term + 1);
    const follower = others.find((c) => c !== now)!;
    await until('the other follower follows the new leader', () => follower.raft.status().leaderId === now!.cfg.id, 5000);
  });
});
