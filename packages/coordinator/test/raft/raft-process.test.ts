import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../src/raft/driver/process-cluster.js';

// Three RaftNodes in three processes on loopback; the leader is killed with
// SIGKILL (no chance to flush or say goodbye), a new one is elected, the old
// one restarts from its data directory and catches up, nothing committed is lost.
describe('RaftNode processes under kill -9', () => {
  const cluster = new ProcessCluster({ tickMs: 50, electionTicks: 10, heartbeatTicks: 1, snapshotEvery: 8 });
  beforeAll(() => cluster.start(), 60_000);
  afterAll(() => cluster.stop());

  it('keeps every acknowledged entry across leader kill -9 and restart', { timeout: 90_000 }, async () => {
    const acked: string[] = [];
    for (let round = 0; round < 3; round++) {
      const leader = await cluster.waitFor('a leader', () => cluster.agreedLeader());
      for (let i = 0; i < 10; i++) {
        const v = `r${round}-${i}`;
        // A NotLeaderError means the entry was not appended (or was overwritten), so retrying is safe.
        let r = await cluster.propose(leader, v);
        while (!r.ok && /not the raft leader/.test(r.error ?? '')) {
          r = await cluster.propose(await cluster.waitFor('a leader', () => cluster.agreedLeader()), v);
        }
        expect(r.ok, r.error).toBe(true);
        acked.push(v);
      }
      cluster.kill9(leader);
      const next = await cluster.waitFor('a new leader', () => cluster.agreedLeader());
      expect(next).not.toBe(leader);
      await cluster.restart(leader);
    }
    const leader = await cluster.waitFor('a leader', () => cluster.agreedLeader());
    expect((await cluster.propose(leader, 'last')).ok).toBe(true);
    acked.push('last');
    for (const id of cluster.ids()) {
      await cluster.waitFor(`${id} caught up`, async () => (await cluster.values(id)).length === acked.length);
      expect(await cluster.values(id)).toEqual(acked);
    }
  });
});
