import { InputError } from '@whmcs-ha/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../src/raft/core/types.js';
import { RecordingStateMachine } from '../../src/raft/driver/loopback-cluster.js';
import type { Cancel, RaftClock } from '../../src/raft/driver/raft-clock.js';
import { NotLeaderError } from '../../src/raft/driver/raft-errors.js';
import { RaftNode, type RaftLeadership } from '../../src/raft/driver/raft-node.js';
import { MemoryStorage } from '../../src/raft/storage/memory-storage.js';
import type { RaftTransport } from '../../src/raft/transport/raft-transport.js';

const enc = (s: string) => new TextEncoder().encode(s);
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** Time moves only when the test says so; soon() is a real event-loop turn, so async work still interleaves. */
class ManualClock implements RaftClock {
  private t = 0;
  private timers: Array<{ at: number; every: number; f: () => void }> = [];
  now(): number {
    return this.t;
  }
  every(ms: number, f: () => void): Cancel {
    return this.add({ at: this.t + ms, every: ms, f });
  }
  after(ms: number, f: () => void): Cancel {
    return this.add({ at: this.t + ms, every: 0, f });
  }
  soon(f: () => void): void {
    setImmediate(f);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      if (next.every > 0) next.at += next.every;
      else this.timers = this.timers.filter((x) => x !== next);
      next.f();
      await turns(3);
    }
    this.t = end;
    await turns();
  }
  private add(timer: { at: number; every: number; f: () => void }): Cancel {
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }
}

/** Delivers every message one event-loop turn later, in order. */
class MemoryNetwork {
  private handlers = new Map<string, (msgs: Message[]) => void>();
  transport(self: string, clock: RaftClock): RaftTransport {
    return {
      send: (msgs) => {
        for (const m of msgs) setImmediate(() => this.handlers.get(m.to)?.([m]));
      },
      receive: (handler) => {
        this.handlers.set(self, handler);
      },
      status: () => ({ reachable: true, lastContact: clock.now(), dropped: 0, queued: 0 }),
      close: () => {
        this.handlers.delete(self);
      },
    };
  }
}

describe('RaftNode over injected ports (memory storage, memory network, manual clock)', () => {
  const nodes: RaftNode[] = [];
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
  });

  function build(ids: string[]) {
    const clock = new ManualClock();
    const net = new MemoryNetwork();
    const sms = new Map<string, RecordingStateMachine>();
    const disks = new Map<string, MemoryStorage>();
    for (const [i, id] of ids.entries()) {
      const sm = new RecordingStateMachine();
      sms.set(id, sm);
      disks.set(id, new MemoryStorage(`disk of ${id}`));
      nodes.push(
        new RaftNode({
          id,
          voters: ids,
          tickMs: 100,
          electionTicks: 10,
          heartbeatTicks: 1,
          snapshotEvery: 5,
          storage: disks.get(id)!,
          transport: net.transport(id, clock),
          clock,
          // Distinct election timeouts: no split vote.
          random: () => i / (2 * ids.length),
          stateMachine: sm,
          logger: pino({ level: 'silent' }),
        }),
      );
    }
    return { clock, sms, disks };
  }

  it('elects, commits, compacts and serves read barriers with time driven by the clock alone', async () => {
    const { clock, sms, disks } = build(['a', 'b', 'c']);
    const changes: RaftLeadership[] = [];
    const applied: number[] = [];
    // Asked the moment it wins, before its no-op commits: the barrier waits for the lease, then resolves.
    let atElection: Promise<string> | null = null;
    nodes[0]!.onLeadershipChange((l) => {
      changes.push(l);
      if (l.role === 'leader' && !atElection) {
        expect(l.leaseValid).toBe(false);
        atElection = nodes[0]!.readBarrier().then(() => 'resolved', (e: Error) => e.name);
      }
    });
    nodes[0]!.onApplied((e) => applied.push(e.index));
    for (const n of nodes) await n.start();

    // No time has passed: nobody has campaigned.
    await turns();
    expect(nodes.every((n) => n.leadership().role === 'follower')).toBe(true);

    await clock.advance(3000);
    const leader = nodes.find((n) => n.leadership().role === 'leader')!;
    expect(leader.id).toBe('a');
    expect(leader.leadership()).toMatchObject({ term: 1, leaderId: 'a', leaseValid: true });
    expect(changes.at(-1)).toMatchObject({ role: 'leader', leaderId: 'a', term: 1 });
    expect(await atElection).toBe('resolved');

    const done = Promise.all(Array.from({ length: 7 }, (_, i) => leader.propose(enc(`v${i}`))));
    await clock.advance(200);
    expect((await done).map((r) => r.index)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    await clock.advance(200);
    for (const sm of sms.values()) expect(sm.values).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    expect(applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // snapshotEvery 5: each node compacted once, at the index it had applied when it got there.
    for (const d of disks.values()) expect(d.read().snapshot?.index).toBeGreaterThanOrEqual(5);

    await expect(leader.readBarrier()).resolves.toBeUndefined();
    await expect(nodes[1]!.readBarrier()).rejects.toSatisfy((e) => e instanceof NotLeaderError && e.leaderId === 'a');
    expect(leader.membership()).toMatchObject({ voters: ['a', 'b', 'c'], peers: [{ id: 'b', matchIndex: 8, reachable: true }, { id: 'c', matchIndex: 8 }] });

    // Without quorum answers the lease runs out with the clock, and a barrier waits, then times out.
    const lone = nodes.find((n) => n !== leader)!;
    await lone.stop();
    await nodes.find((n) => n !== leader && n !== lone)!.stop();
    await clock.advance(900);
    expect(leader.leaseValid()).toBe(false);
    const barrier = leader.readBarrier(500);
    const outcome = barrier.then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    await clock.advance(600);
    // CheckQuorum: a leader unheard by a quorum for an election timeout steps down, failing the barrier.
    expect(await outcome).toBe('NotLeaderError');
    expect(leader.leadership().role).not.toBe('leader');
  });

  it('names a voter listed twice', () => {
    const clock = new ManualClock();
    expect(
      () =>
        new RaftNode({
          id: 'a',
          voters: ['a', 'b', 'b'],
          tickMs: 100,
          electionTicks: 10,
          heartbeatTicks: 1,
          snapshotEvery: 5,
          storage: new MemoryStorage(),
          transport: new MemoryNetwork().transport('a', clock),
          clock,
          random: Math.random,
          stateMachine: new RecordingStateMachine(),
          logger: pino({ level: 'silent' }),
        }),
    ).toThrow(InputError);
  });
});
