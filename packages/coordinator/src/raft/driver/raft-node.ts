import { EventEmitter } from 'node:events';
import { InputError, type Logger } from '@whmcs-ha/shared';
import { RaftCore } from '../core/raft-core.js';
import type { Entry, Message, Role } from '../core/types.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import type { RaftTransport } from '../transport/raft-transport.js';
import type { Cancel, RaftClock } from './raft-clock.js';
import { NotLeaderError, RaftStoppedError, RaftTimeoutError } from './raft-errors.js';
import { runReady, takeReady, type ReadyPorts } from './ready-loop.js';

export interface AppliedEntry {
  index: number;
  term: number;
  data: Uint8Array;
}

/** The replicated application. apply() sees only normal entries, in index order, exactly once per incarnation. */
export interface StateMachine {
  apply(entry: AppliedEntry): void;
  snapshot(): Uint8Array;
  restore(data: Uint8Array): void;
}

/** Timing shared by RaftNode and the production factory (raft-node-factory.ts). */
export interface RaftTiming {
  id: string;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Take a snapshot and compact the log after this many applied entries. */
  snapshotEvery: number;
}

export interface RaftNodeOptions extends RaftTiming {
  /** Every voter's id; this node may be listed too. */
  voters: string[];
  /** Loaded by start(), closed by stop(): the node owns it. */
  storage: RaftStorage;
  /** Closed by stop(): the node owns it. */
  transport: RaftTransport;
  clock: RaftClock;
  /** Uniform in [0, 1); randomises election timeouts. */
  random: () => number;
  stateMachine: StateMachine;
  logger: Logger;
  /** How long propose() waits for commit and apply; default 3 election timeouts. */
  proposeTimeoutMs?: number;
}

export interface RaftPeerStatus {
  id: string;
  matchIndex: number;
  reachable: boolean;
  lastContactMs: number | null;
}

export interface RaftStatus {
  id: string;
  role: Role;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  leaderId: string | null;
  leaseValid: boolean;
  peers: RaftPeerStatus[];
}

/** Who leads, as this node sees it. leaseValid is a reading of the moment: a lease lapses without an event. */
export type RaftLeadership = Pick<RaftStatus, 'role' | 'term' | 'leaderId' | 'leaseValid'>;

export interface RaftMembership {
  /** The voter set, this node included, sorted. */
  voters: string[];
  /** Every other voter: replication progress (leader only) and reachability. */
  peers: RaftPeerStatus[];
}

interface Waiter {
  term: number;
  resolve: (v: { index: number; term: number }) => void;
  reject: (e: Error) => void;
  cancel: Cancel;
}

interface Reader {
  /** The commit index when the read was asked for: it may be served once applied here. */
  readIndex: number;
  resolve: () => void;
  reject: (e: Error) => void;
  cancel: Cancel;
}

type Input =
  | { kind: 'propose'; data: Uint8Array; resolve: (v: { index: number; term: number }) => void; reject: (e: Error) => void; deadline: number }
  | { kind: 'transfer'; to: string; reject: (e: Error) => void };

/**
 * Drives the pure core with the storage, transport and clock it is given
 * (raft-node-factory.ts builds the production ones). All core calls happen in
 * one loop: tick/step, then each Ready through ready-loop.ts (persist -> send
 * -> apply -> advance).
 *
 * Events: 'role' (role, term), 'leader' (leaderId | null, term),
 * 'leadership' (RaftLeadership; once per change of either), 'applied'
 * ({ index, term }), 'fatal' (error; the node has stopped).
 */
export class RaftNode extends EventEmitter {
  readonly id: string;
  private readonly opts: RaftNodeOptions;
  private readonly voters: string[];
  private readonly storage: RaftStorage;
  private readonly transport: RaftTransport;
  private readonly clock: RaftClock;
  private readonly readyPorts: ReadyPorts;
  private core: RaftCore | null = null;
  private inbox: Message[] = [];
  private inputs: Input[] = [];
  private waiters = new Map<number, Waiter>();
  private readers: Reader[] = [];
  private stopTicker: Cancel | null = null;
  private tickOrigin = 0;
  private ticksDone = 0;
  private looping = false;
  private scheduled = false;
  private stopped = false;
  private started = false;
  private loopDone: Promise<void> = Promise.resolve();
  private lastRole: Role = 'follower';
  private lastLeader: string | null = null;
  private lastTerm = 0;

  constructor(opts: RaftNodeOptions) {
    super();
    validateTiming(opts);
    const seen = new Set<string>();
    for (const v of opts.voters) {
      if (!v) throw new InputError('voters', 'every voter needs an id', SRC);
      if (seen.has(v)) throw new InputError('voters', `voter "${v}" is listed twice`, SRC);
      seen.add(v);
    }
    this.opts = opts;
    this.id = opts.id;
    this.voters = [...new Set([opts.id, ...opts.voters])].sort();
    this.storage = opts.storage;
    this.transport = opts.transport;
    this.clock = opts.clock;
    this.transport.receive((msgs) => {
      if (this.stopped || !this.started) return;
      for (const m of msgs) this.inbox.push(m);
      this.schedule();
    });
    const sm = opts.stateMachine;
    this.readyPorts = {
      storage: this.storage,
      send: (msgs) => this.transport.send(msgs),
      restore: (snap) => {
        sm.restore(snap.data);
        this.settleWaitersUpTo(snap.index);
      },
      apply: (e) => this.applyEntry(e),
      snapshotEvery: opts.snapshotEvery,
      snapshot: () => sm.snapshot(),
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    const state = await this.storage.load();
    if (state.hardState.term === 0 && state.entries.length === 0 && !state.snapshot) {
      // Fine for a new cluster; dangerous for a voter whose data was lost (docs/raft.md, "Membership").
      this.opts.logger.warn({ dataDir: this.storage.location }, 'raft: starting with an empty log; if this coordinator was a voter before, its data directory was lost and must be restored first');
    }
    if (this.storage.lastLoad.truncatedBytes > 0) {
      this.opts.logger.warn({ bytes: this.storage.lastLoad.truncatedBytes }, 'raft: cut a torn or corrupt tail off the log');
    }
    this.core = new RaftCore(
      {
        id: this.id,
        voters: this.voters,
        electionTicks: this.opts.electionTicks,
        heartbeatTicks: this.opts.heartbeatTicks,
        random: this.opts.random,
      },
      state,
    );
    if (state.snapshot) this.opts.stateMachine.restore(state.snapshot.data);
    this.lastTerm = this.core.term;
    this.started = true;
    this.tickOrigin = this.clock.now();
    this.ticksDone = 0;
    this.stopTicker = this.clock.every(Math.max(1, Math.floor(this.opts.tickMs / 2)), () => this.schedule());
    this.schedule();
    this.opts.logger.info({ id: this.id, term: state.hardState.term, commit: state.hardState.commit }, 'raft node started');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopTicker?.();
    this.transport.close();
    await this.loopDone;
    for (const w of this.waiters.values()) {
      w.cancel();
      w.reject(new RaftStoppedError());
    }
    this.waiters.clear();
    for (const r of this.readers) {
      r.cancel();
      r.reject(new RaftStoppedError());
    }
    this.readers = [];
    for (const i of this.inputs) i.reject(new RaftStoppedError());
    this.inputs = [];
    await this.storage.close();
  }

  /** Resolves once the entry is committed and applied here; rejects with NotLeaderError or RaftTimeoutError. */
  propose(data: Uint8Array): Promise<{ index: number; term: number }> {
    if (this.stopped || !this.core) return Promise.reject(new RaftStoppedError());
    if (this.core.role !== 'leader') return Promise.reject(new NotLeaderError(this.leaderId()));
    return new Promise((resolve, reject) => {
      const deadline = this.clock.now() + this.proposeTimeoutMs();
      this.inputs.push({ kind: 'propose', data, resolve, reject, deadline });
      this.schedule();
    });
  }

  /** Hands leadership to `to`; resolves when this node sees `to` lead. */
  transferLeadership(to: string): Promise<void> {
    if (!this.voters.includes(to) || to === this.id) {
      return Promise.reject(new InputError('to', `"${to}" is not another voter (${this.voters.join(', ')})`));
    }
    if (this.stopped || !this.core) return Promise.reject(new RaftStoppedError());
    if (this.core.role !== 'leader') return Promise.reject(new NotLeaderError(this.leaderId()));
    return new Promise((resolve, reject) => {
      const timeoutMs = 3 * this.opts.electionTicks * this.opts.tickMs;
      const cancel = this.clock.after(timeoutMs, () => {
        this.off('leader', onLeader);
        reject(new RaftTimeoutError(`leadership did not move to ${to} within ${timeoutMs} ms`));
      });
      const onLeader = (leader: string | null) => {
        if (leader !== to) return;
        cancel();
        this.off('leader', onLeader);
        resolve();
      };
      this.on('leader', onLeader);
      this.inputs.push({
        kind: 'transfer',
        to,
        reject: (e) => {
          cancel();
          this.off('leader', onLeader);
          reject(e);
        },
      });
      this.schedule();
    });
  }

  /**
   * True only while this node leads with a valid lease (see RaftCore.leaseValid):
   * decisions only a leader may take check this first. Ticks the monotonic
   * clock owes but the loop has not delivered yet count as elapsed, so the one
   * due tick before the ticker runs costs no false negative, and after an
   * event-loop stall the lease is judged by real elapsed time.
   */
  leaseValid(): boolean {
    if (!this.core || this.stopped) return false;
    return this.core.leaseValid(this.dueTicks());
  }

  /**
   * Resolves when this node may answer a linearizable read from its applied
   * state: it leads with a valid lease and has applied everything committed
   * when the read was asked for. There is no ReadIndex round trip: the lease
   * (see leaseValid) is what rules out a newer leader. Rejects with
   * NotLeaderError on a follower or once leadership is lost, RaftTimeoutError
   * after `timeoutMs` (default: the propose timeout).
   */
  readBarrier(timeoutMs = this.proposeTimeoutMs()): Promise<void> {
    const core = this.core;
    if (this.stopped || !core) return Promise.reject(new RaftStoppedError());
    if (core.role !== 'leader') return Promise.reject(new NotLeaderError(this.leaderId()));
    const readIndex = core.log.committed;
    if (this.leaseValid() && core.log.applied >= readIndex) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const reader: Reader = {
        readIndex,
        resolve,
        reject,
        cancel: this.clock.after(timeoutMs, () => {
          this.readers = this.readers.filter((r) => r !== reader);
          reject(new RaftTimeoutError(`no valid lease with index ${readIndex} applied within ${timeoutMs} ms`));
        }),
      };
      this.readers.push(reader);
      this.schedule();
    });
  }

  leaderId(): string | null {
    return this.core?.lead || null;
  }

  leadership(): RaftLeadership {
    return { role: this.core?.role ?? 'follower', term: this.core?.term ?? 0, leaderId: this.leaderId(), leaseValid: this.leaseValid() };
  }

  membership(): RaftMembership {
    return { voters: [...this.voters], peers: this.peerStatus() };
  }

  status(): RaftStatus {
    const c = this.core;
    return {
      id: this.id,
      role: c?.role ?? 'follower',
      term: c?.term ?? 0,
      commitIndex: c?.log.committed ?? 0,
      appliedIndex: c?.log.applied ?? 0,
      leaderId: this.leaderId(),
      leaseValid: this.leaseValid(),
      peers: this.peerStatus(),
    };
  }

  /** Calls `listener` after each entry is applied here (the state machine has already seen it); returns the unsubscribe. */
  onApplied(listener: (entry: { index: number; term: number }) => void): () => void {
    this.on('applied', listener);
    return () => this.off('applied', listener);
  }

  /** Calls `listener` whenever role, term or leader changes; returns the unsubscribe. */
  onLeadershipChange(listener: (now: RaftLeadership) => void): () => void {
    this.on('leadership', listener);
    return () => this.off('leadership', listener);
  }

  private peerStatus(): RaftPeerStatus[] {
    const c = this.core;
    const now = this.clock.now();
    return this.voters
      .filter((v) => v !== this.id)
      .map((id) => {
        const link = this.transport.status(id);
        return {
          id,
          matchIndex: c?.role === 'leader' ? (c.progressOf(id)?.match ?? 0) : 0,
          reachable: link.reachable,
          lastContactMs: link.lastContact === -Infinity ? null : Math.round(now - link.lastContact),
        };
      });
  }

  // ---- the loop -------------------------------------------------------------

  private proposeTimeoutMs(): number {
    return this.opts.proposeTimeoutMs ?? 3 * this.opts.electionTicks * this.opts.tickMs;
  }

  /** Ticks owed by the monotonic clock: a stalled event loop catches up at once. */
  private dueTicks(): number {
    return Math.floor((this.clock.now() - this.tickOrigin) / this.opts.tickMs) - this.ticksDone;
  }

  private schedule(): void {
    if (this.scheduled || this.looping || this.stopped || !this.started) return;
    this.scheduled = true;
    this.clock.soon(() => {
      this.scheduled = false;
      this.loopDone = this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.looping || this.stopped) return;
    this.looping = true;
    const core = this.core!;
    try {
      for (;;) {
        if (this.stopped) return;
        const due = this.dueTicks();
        for (let i = 0; i < due; i++) core.tick();
        this.ticksDone += due;
        const msgs = this.inbox;
        this.inbox = [];
        for (const m of msgs) core.step(m);
        const inputs = this.inputs;
        this.inputs = [];
        for (const input of inputs) this.takeInput(core, input);
        this.emitChanges(core);
        const rd = takeReady(core);
        if (!rd) return;
        if (!(await runReady(core, rd, this.readyPorts, () => this.stopped))) return;
        this.emitChanges(core);
      }
    } catch (err) {
      this.opts.logger.error({ err }, 'raft: storage or state machine failed; stopping this node');
      this.emit('fatal', err);
      void this.stop();
    } finally {
      this.looping = false;
      if (this.inbox.length > 0 || this.inputs.length > 0) this.schedule();
    }
  }

  private takeInput(core: RaftCore, input: Input): void {
    if (input.kind === 'transfer') {
      if (!core.transferLeader(input.to)) input.reject(new NotLeaderError(core.lead || null));
      return;
    }
    const res = core.propose(input.data);
    if (!res) {
      // While handing over, point the caller at the node taking over.
      input.reject(new NotLeaderError(core.role === 'leader' ? core.transferee() || this.id : core.lead || null));
      return;
    }
    const cancel = this.clock.after(Math.max(0, input.deadline - this.clock.now()), () => {
      this.waiters.delete(res.index);
      input.reject(new RaftTimeoutError(`entry ${res.index} was not committed within ${this.proposeTimeoutMs()} ms`));
    });
    this.waiters.set(res.index, { term: res.term, resolve: input.resolve, reject: input.reject, cancel });
  }

  private applyEntry(e: Entry): void {
    if (e.type === 'normal') this.opts.stateMachine.apply({ index: e.index, term: e.term, data: e.data });
    const w = this.waiters.get(e.index);
    if (w) {
      this.waiters.delete(e.index);
      w.cancel();
      // Another leader's entry took the index: ours was never committed.
      if (e.term === w.term) w.resolve({ index: e.index, term: e.term });
      else w.reject(new NotLeaderError(this.core?.lead || null));
    }
    this.emit('applied', { index: e.index, term: e.term });
  }

  /** A snapshot jumped over proposals we were waiting for: their fate is unknown here. */
  private settleWaitersUpTo(index: number): void {
    for (const [i, w] of this.waiters) {
      if (i > index) continue;
      this.waiters.delete(i);
      w.cancel();
      w.reject(new RaftTimeoutError(`entry ${i} was overtaken by a snapshot; its outcome is unknown`));
    }
  }

  private emitChanges(core: RaftCore): void {
    let changed = false;
    if (core.role !== this.lastRole || core.term !== this.lastTerm) {
      this.lastRole = core.role;
      this.lastTerm = core.term;
      changed = true;
      this.emit('role', core.role, core.term);
    }
    const leader = core.lead || null;
    if (leader !== this.lastLeader) {
      this.lastLeader = leader;
      changed = true;
      this.emit('leader', leader, core.term);
    }
    if (changed) this.emit('leadership', this.leadership());
    if (this.readers.length > 0) this.settleReaders(core);
  }

  /** Read barriers waiting for a lease and their index applied; a node that stopped leading fails them. */
  private settleReaders(core: RaftCore): void {
    const leading = core.role === 'leader';
    const lease = leading && this.leaseValid();
    const waiting: Reader[] = [];
    for (const r of this.readers) {
      if (!leading) {
        r.cancel();
        r.reject(new NotLeaderError(core.lead || null));
      } else if (lease && core.log.applied >= r.readIndex) {
        r.cancel();
        r.resolve();
      } else waiting.push(r);
    }
    this.readers = waiting;
  }
}

const SRC = 'raft options';

/** Typed errors naming the field, for RaftNode and the production factory alike. */
export function validateTiming(o: RaftTiming): void {
  if (!o.id) throw new InputError('id', 'must not be empty', SRC);
  const positive = (field: keyof RaftTiming) => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InputError(field, `must be a positive integer, got ${String(v)}`, SRC);
  };
  positive('tickMs');
  positive('electionTicks');
  positive('heartbeatTicks');
  positive('snapshotEvery');
  if (o.heartbeatTicks >= o.electionTicks) throw new InputError('heartbeatTicks', 'must be less than electionTicks', SRC);
}
