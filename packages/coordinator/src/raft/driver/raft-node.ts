import { EventEmitter } from 'node:events';
import { InputError, type grpc, type Logger } from '@whmcs-ha/shared';
import { RaftCore } from '../core/raft-core.js';
import type { Entry, Message, Role } from '../core/types.js';
import { FileStorage } from '../storage/file-storage.js';
import { GrpcTransport, type TransportOptions, type TransportPeer } from '../transport/grpc-transport.js';
import { NotLeaderError, RaftStoppedError, RaftTimeoutError } from './raft-errors.js';

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

export interface RaftNodeOptions {
  id: string;
  /** Every voter with its Raft address; this node may be listed too. */
  peers: TransportPeer[];
  dataDir: string;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  /** Take a snapshot and compact the log after this many applied entries. */
  snapshotEvery: number;
  stateMachine: StateMachine;
  logger: Logger;
  random?: () => number;
  /** How long propose() waits for commit and apply; default 3 election timeouts. */
  proposeTimeoutMs?: number;
  /** gRPC deadline of one Raft Send call; default 2 heartbeats (at least 200 ms). */
  sendDeadlineMs?: number;
  /** Credentials to dial one peer with (mTLS naming that peer); default insecure. */
  credentials?: TransportOptions['credentials'];
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

interface Waiter {
  term: number;
  resolve: (v: { index: number; term: number }) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

type Input =
  | { kind: 'propose'; data: Uint8Array; resolve: (v: { index: number; term: number }) => void; reject: (e: Error) => void; deadline: number }
  | { kind: 'transfer'; to: string; reject: (e: Error) => void };

/**
 * Composes the pure core with file storage, the gRPC transport and a real
 * ticker. All core calls happen in one loop, strictly in the order
 * step/tick -> ready -> persist -> send -> apply -> advance.
 *
 * Events: 'role' (role, term), 'leader' (leaderId | null, term),
 * 'applied' ({ index, term }), 'fatal' (error; the node has stopped).
 */
export class RaftNode extends EventEmitter {
  readonly id: string;
  private readonly opts: RaftNodeOptions;
  private readonly voters: string[];
  private readonly storage: FileStorage;
  private readonly transport: GrpcTransport;
  private core: RaftCore | null = null;
  private inbox: Message[] = [];
  private inputs: Input[] = [];
  private waiters = new Map<number, Waiter>();
  private ticker: NodeJS.Timeout | null = null;
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
    validate(opts);
    this.opts = opts;
    this.id = opts.id;
    this.voters = [...new Set([opts.id, ...opts.peers.map((p) => p.id)])].sort();
    this.storage = new FileStorage(opts.dataDir);
    this.transport = new GrpcTransport({
      selfId: opts.id,
      peers: opts.peers.filter((p) => p.id !== opts.id),
      logger: opts.logger,
      deadlineMs: opts.sendDeadlineMs ?? Math.max(200, 2 * opts.heartbeatTicks * opts.tickMs),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      onMessages: (msgs) => {
        if (this.stopped || !this.started) return;
        for (const m of msgs) this.inbox.push(m);
        this.schedule();
      },
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    const state = await this.storage.load();
    if (state.hardState.term === 0 && state.entries.length === 0 && !state.snapshot) {
      // Fine for a new cluster; dangerous for a voter whose data was lost (docs/raft.md, "Membership").
      this.opts.logger.warn({ dataDir: this.opts.dataDir }, 'raft: starting with an empty log; if this coordinator was a voter before, its data directory was lost and must be restored first');
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
        random: this.opts.random ?? Math.random,
      },
      state,
    );
    if (state.snapshot) this.opts.stateMachine.restore(state.snapshot.data);
    this.lastTerm = this.core.term;
    this.started = true;
    this.tickOrigin = performance.now();
    this.ticksDone = 0;
    this.ticker = setInterval(() => this.schedule(), Math.max(1, Math.floor(this.opts.tickMs / 2)));
    this.schedule();
    this.opts.logger.info({ id: this.id, term: state.hardState.term, commit: state.hardState.commit }, 'raft node started');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    this.transport.close();
    await this.loopDone;
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(new RaftStoppedError());
    }
    this.waiters.clear();
    for (const i of this.inputs) i.reject(new RaftStoppedError());
    this.inputs = [];
    await this.storage.close();
  }

  /** Resolves once the entry is committed and applied here; rejects with NotLeaderError or RaftTimeoutError. */
  propose(data: Uint8Array): Promise<{ index: number; term: number }> {
    if (this.stopped || !this.core) return Promise.reject(new RaftStoppedError());
    if (this.core.role !== 'leader') return Promise.reject(new NotLeaderError(this.leaderId()));
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + this.proposeTimeoutMs();
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
      const timer = setTimeout(() => {
        this.off('leader', onLeader);
        reject(new RaftTimeoutError(`leadership did not move to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onLeader = (leader: string | null) => {
        if (leader !== to) return;
        clearTimeout(timer);
        this.off('leader', onLeader);
        resolve();
      };
      this.on('leader', onLeader);
      this.inputs.push({
        kind: 'transfer',
        to,
        reject: (e) => {
          clearTimeout(timer);
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

  leaderId(): string | null {
    return this.core?.lead || null;
  }

  status(): RaftStatus {
    const c = this.core;
    const now = performance.now();
    return {
      id: this.id,
      role: c?.role ?? 'follower',
      term: c?.term ?? 0,
      commitIndex: c?.log.committed ?? 0,
      appliedIndex: c?.log.applied ?? 0,
      leaderId: this.leaderId(),
      leaseValid: this.leaseValid(),
      peers: this.voters
        .filter((v) => v !== this.id)
        .map((id) => {
          const link = this.transport.status(id);
          return {
            id,
            matchIndex: c?.role === 'leader' ? (c.progressOf(id)?.match ?? 0) : 0,
            reachable: link.reachable,
            lastContactMs: link.lastContact === -Infinity ? null : Math.round(now - link.lastContact),
          };
        }),
    };
  }

  /** The Raft service, to add to the coordinator's one gRPC server: server.addService(serviceDefinition('Raft'), node.grpcImplementation()). */
  grpcImplementation(): grpc.UntypedServiceImplementation {
    return this.transport.implementation();
  }

  // ---- the loop -------------------------------------------------------------

  private proposeTimeoutMs(): number {
    return this.opts.proposeTimeoutMs ?? 3 * this.opts.electionTicks * this.opts.tickMs;
  }

  /** Ticks owed by the monotonic clock: a stalled event loop catches up at once. */
  private dueTicks(): number {
    return Math.floor((performance.now() - this.tickOrigin) / this.opts.tickMs) - this.ticksDone;
  }

  private schedule(): void {
    if (this.scheduled || this.looping || this.stopped || !this.started) return;
    this.scheduled = true;
    setImmediate(() => {
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
        if (!core.hasReady()) return;
        const rd = core.ready();
        await this.storage.save(rd.hardState, rd.entries, rd.snapshot);
        if (this.stopped) return;
        this.transport.send(rd.messages);
        if (rd.snapshot) {
          this.opts.stateMachine.restore(rd.snapshot.data);
          this.settleWaitersUpTo(rd.snapshot.index);
        }
        for (const e of rd.committedEntries) this.applyEntry(e);
        core.advance(rd);
        if (core.log.applied - core.log.snapshot.index >= this.opts.snapshotEvery) {
          const snap = core.compact(core.log.applied, this.opts.stateMachine.snapshot());
          const rest = core.log.slice(snap.index + 1, core.log.stable);
          await this.storage.compact(snap, core.hardState(), rest);
        }
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
    const timer = setTimeout(() => {
      this.waiters.delete(res.index);
      input.reject(new RaftTimeoutError(`entry ${res.index} was not committed within ${this.proposeTimeoutMs()} ms`));
    }, Math.max(0, input.deadline - Date.now()));
    this.waiters.set(res.index, { term: res.term, resolve: input.resolve, reject: input.reject, timer });
  }

  private applyEntry(e: Entry): void {
    if (e.type === 'normal') this.opts.stateMachine.apply({ index: e.index, term: e.term, data: e.data });
    const w = this.waiters.get(e.index);
    if (w) {
      this.waiters.delete(e.index);
      clearTimeout(w.timer);
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
      clearTimeout(w.timer);
      w.reject(new RaftTimeoutError(`entry ${i} was overtaken by a snapshot; its outcome is unknown`));
    }
  }

  private emitChanges(core: RaftCore): void {
    if (core.role !== this.lastRole || core.term !== this.lastTerm) {
      this.lastRole = core.role;
      this.lastTerm = core.term;
      this.emit('role', core.role, core.term);
    }
    const leader = core.lead || null;
    if (leader !== this.lastLeader) {
      this.lastLeader = leader;
      this.emit('leader', leader, core.term);
    }
  }
}

function validate(o: RaftNodeOptions): void {
  const src = 'raft options';
  if (!o.id) throw new InputError('id', 'must not be empty', src);
  const positive = (field: keyof RaftNodeOptions) => {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InputError(field, `must be a positive integer, got ${String(v)}`, src);
  };
  positive('tickMs');
  positive('electionTicks');
  positive('heartbeatTicks');
  positive('snapshotEvery');
  if (o.heartbeatTicks >= o.electionTicks) throw new InputError('heartbeatTicks', 'must be less than electionTicks', src);
  const seen = new Set<string>();
  for (const p of o.peers) {
    if (!p.id) throw new InputError('peers', 'every peer needs an id', src);
    if (seen.has(p.id)) throw new InputError('peers', `peer "${p.id}" is listed twice`, src);
    seen.add(p.id);
    if (p.id !== o.id && !/^[^\s:]+:\d+$/.test(p.address)) throw new InputError(`peers.${p.id}.address`, `must be host:port, got "${p.address}"`, src);
  }
  if (!o.dataDir) throw new InputError('dataDir', 'must not be empty', src);
}
