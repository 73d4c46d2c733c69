import { afterEach, describe, expect, it } from 'vitest';
import { LoopbackCluster } from '../../src/raft/driver/loopback-cluster.js';
import { NotLeaderError } from '../../src/raft/driver/raft-errors.js';
import { createRaftNode } from '../../src/raft/driver/raft-node-factory.js';
import { pino } from 'pino';

const enc = (s: string) => new TextEncoder().encode(s);

// Three real RaftNodes over real gRPC on 127.0.0.1 with real fsync'd storage.
describe('RaftNode on loopback', () => {
  let cluster: LoopbackCluster | null = null;
  afterEach(async () => {
    await cluster?.stop();
    cluster = null;
  });

  it('elects a leader, commits on all three, survives leader loss and restarts from disk', async () => {
    cluster = new LoopbackCluster({ tickMs: 50, electionTicks: 10, heartbeatTicks: 1 });
    await cluster.start();
    const c = cluster;
    const first = await c.waitForLeader();

    // Followers refuse proposals and name the leader.
    const follower = c.members.find((m) => m.id !== first)!.id;
    await expect(c.node(follower).propose(enc('x'))).rejects.toSatisfy((e) => e instanceof NotLeaderError && e.leaderId === first);

    for (let i = 0; i < 20; i++) {
      const r = await c.node(first).propose(enc(`a${i}`));
      expect(r.term).toBe(c.node(first).status().term);
    }
    await c.waitFor('all three applied a0..a19', () => c.members.every((m) => m.sm.values.length === 20));
    for (const m of c.members) expect(m.sm.values).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
    await c.waitFor('leader status shows a lease and both followers caught up', () => {
      const st = c.node(first).status();
      return st.leaseValid && st.peers.every((p) => p.matchIndex >= st.commitIndex && p.reachable && p.lastContactMs !== null);
    });

    // Leader killed: a new one is elected among the other two and keeps committing.
    await c.kill(first);
    const second = await c.waitForLeader();
    expect(second).not.toBe(first);
    await c.node(second).propose(enc('b0'));

    // The old leader restarts from its data directory: its log survived, and it catches up.
    await c.restart(first);
    await c.waitFor('restarted node caught up', () => c.member(first).sm.values.at(-1) === 'b0');
    expect(c.member(first).sm.values).toEqual([...Array.from({ length: 20 }, (_, i) => `a${i}`), 'b0']);
    expect(c.node(first).status().leaderId).toBe(second);
  });

  it('restarts the whole cluster from disk, snapshots included, without losing a committed entry', async () => {
    cluster = new LoopbackCluster({ tickMs: 50, electionTicks: 10, heartbeatTicks: 1, snapshotEvery: 5 });
    await cluster.start();
    const c = cluster;
    const leader = await c.waitForLeader();
    for (let i = 0; i < 12; i++) await c.node(leader).propose(enc(`v${i}`));
    await c.waitFor('applied everywhere', () => c.members.every((m) => m.sm.values.length === 12));
    for (const m of c.members) await c.kill(m.id);
    for (const m of c.members) await c.restart(m.id);
    const again = await c.waitForLeader();
    await c.node(again).propose(enc('after'));
    const want = [...Array.from({ length: 12 }, (_, i) => `v${i}`), 'after'];
    await c.waitFor('all caught up after full restart', () => c.members.every((m) => m.sm.values.length === 13));
    for (const m of c.members) expect(m.sm.values).toEqual(want);
  });

  it('transfers leadership on request', async () => {
    cluster = new LoopbackCluster({ tickMs: 50, electionTicks: 10, heartbeatTicks: 1 });
    await cluster.start();
    const c = cluster;
    const leader = await c.waitForLeader();
    await c.node(leader).propose(enc('before'));
    const target = c.members.find((m) => m.id !== leader)!.id;
    await c.node(leader).transferLeadership(target);
    expect(await c.waitForLeader()).toBe(target);
    expect(c.node(leader).leaseValid()).toBe(false);
    await c.node(target).propose(enc('after'));
    await c.waitFor('applied everywhere', () => c.members.every((m) => m.sm.values.join() === 'before,after'));
    await expect(c.node(leader).transferLeadership('nobody')).rejects.toThrow(/to: "nobody" is not another voter/);
  });

  it('runs a single-voter cluster (quorum of one)', async () => {
    cluster = new LoopbackCluster({ size: 1, tickMs: 20, electionTicks: 5, heartbeatTicks: 1 });
    await cluster.start();
    const c = cluster;
    const leader = await c.waitForLeader();
    expect(await c.node(leader).propose(enc('solo'))).toMatchObject({ index: 2 });
    expect(c.member(leader).sm.values).toEqual(['solo']);
  });

  it('names the bad option in its error', () => {
    const base = {
      id: 'a',
      peers: [{ id: 'b', address: '127.0.0.1:7000' }],
      dataDir: '/tmp/x',
      tickMs: 100,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEvery: 100,
      stateMachine: { apply() {}, snapshot: () => new Uint8Array(), restore() {} },
      logger: pino({ level: 'silent' }),
    };
    expect(() => createRaftNode({ ...base, heartbeatTicks: 10 })).toThrow(/heartbeatTicks: must be less than electionTicks/);
    expect(() => createRaftNode({ ...base, tickMs: 0 })).toThrow(/tickMs: must be a positive integer/);
    expect(() => createRaftNode({ ...base, peers: [{ id: 'b', address: 'nowhere' }] })).toThrow(/peers\.b\.address: must be host:port/);
  });
});
