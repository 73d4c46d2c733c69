import { RaftLog } from './raft-log.js';
import { Progress } from './progress.js';
import {
  emptyMessage,
  NO_DATA,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  type Ready,
  type Role,
  type Snapshot,
} from './types.js';

/**
 * Deliberate bugs a test can switch on to prove the simulation catches them.
 * Never set outside tests.
 */
export type CoreMutation = 'vote-ignores-log' | 'vote-twice';

export interface CoreConfig {
  id: string;
  /** Static voter set, this node included (see docs/raft.md, "Membership"). */
  voters: string[];
  electionTicks: number;
  heartbeatTicks: number;
  /** Uniform in [0, 1); the only source of randomness (election timeouts). */
  random: () => number;
  maxEntriesPerMsg?: number;
  mutation?: CoreMutation;
}

export interface CoreInit {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

/** Vote context a TimeoutNow campaign carries so voters skip their lease. */
const TRANSFER = 'transfer';

/**
 * A pure Raft state machine in the style of etcd-io/raft: no I/O, no timers,
 * no randomness of its own. The driver calls tick() on a clock, step() for
 * each message, and drains ready()/advance() (see types.ts, Ready).
 */
export class RaftCore {
  readonly id: string;
  readonly voters: string[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly log: RaftLog;

  term = 0;
  vote = '';
  lead = '';
  role: Role = 'follower';

  private readonly random: () => number;
  private readonly maxEntriesPerMsg: number;
  private readonly mutation: CoreMutation | undefined;
  private progress = new Map<string, Progress>();
  private votes = new Map<string, boolean>();
  private msgs: Message[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** Ticks since this node last heard from (or was) a leader; never reset by a term change. */
  private ticksSinceLeader: number;
  /** Monotonic tick count of this incarnation; leader lease arithmetic uses it. */
  private ticks = 0;
  private leaderSinceTick = 0;
  private leadTransferee = '';
  private transferElapsed = 0;
  /** A TimeoutNow went out this term: our lease is void until the term ends. */
  private timeoutNowSent = false;
  private campaignContext = '';
  private prevHardState: HardState;

  constructor(cfg: CoreConfig, init: CoreInit) {
    if (!cfg.voters.includes(cfg.id)) throw new Error(`raft: ${cfg.id} is not in its own voter set`);
    if (cfg.heartbeatTicks < 1 || cfg.electionTicks <= cfg.heartbeatTicks) {
      throw new Error('raft: need 1 <= heartbeatTicks < electionTicks');
    }
    this.id = cfg.id;
    this.voters = [...cfg.voters].sort();
    this.electionTicks = cfg.electionTicks;
    this.heartbeatTicks = cfg.heartbeatTicks;
    this.random = cfg.random;
    this.maxEntriesPerMsg = cfg.maxEntriesPerMsg ?? 64;
    this.mutation = cfg.mutation;
    const snap = init.snapshot ?? { index: 0, term: 0, voters: this.voters, data: NO_DATA };
    this.log = new RaftLog(snap, init.entries, init.hardState.commit);
    this.term = init.hardState.term;
    this.vote = init.hardState.vote;
    this.prevHardState = { ...init.hardState };
    // After a restart we cannot know when we last promised a leader anything,
    // so behave as if we just did: no vote for a full election timeout. A
    // node that has never seen a term has promised nothing.
    this.ticksSinceLeader = init.hardState.term === 0 ? this.electionTicks : 0;
    this.becomeFollower(this.term, '');
  }

  // ---- public API -------------------------------------------------------

  quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  tick(): void {
    this.ticks++;
    this.ticksSinceLeader++;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  /** Starts a (pre-)election now, as if the election timer fired. */
  campaign(): void {
    if (this.role === 'leader') return;
    this.hup(false);
  }

  /** Appends a proposal if we are leader and not handing over; else null. */
  propose(data: Uint8Array): { index: number; term: number } | null {
    if (this.role !== 'leader' || this.leadTransferee !== '') return null;
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ term: this.term, index, type: 'normal', data }]);
    this.bcastAppend();
    return { index, term: this.term };
  }

  /** Starts handing leadership to `to`; false if we cannot. */
  transferLeader(to: string): boolean {
    if (this.role !== 'leader' || to === this.id || !this.voters.includes(to)) return false;
    if (this.leadTransferee === to) return true;
    this.leadTransferee = to;
    this.transferElapsed = 0;
    const pr = this.progress.get(to)!;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to);
    return true;
  }

  /**
   * True while this node is leader, has committed an entry of its own term
   * (so its applied state is current), is not handing over, and a quorum has
   * answered a request it sent less than electionTicks-2 ticks ago: no other
   * node can have been elected since (see docs/raft.md, "Leader lease").
   */
  leaseValid(owedTicks = 0): boolean {
    if (this.role !== 'leader' || this.leadTransferee !== '' || this.timeoutNowSent) return false;
    if (this.log.term(this.log.committed) !== this.term) return false;
    // Ticks the driver's clock owes but has not delivered yet count as elapsed.
    return this.countHeardWithin(this.leaseTicks() - owedTicks) >= this.quorum();
  }

  leaseTicks(): number {
    return Math.max(1, this.electionTicks - 2);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  progressOf(id: string): Progress | undefined {
    return this.progress.get(id);
  }

  /** Ticks since `peer` last answered us (leader only), for status displays. */
  ticksSinceAck(peer: string): number {
    const pr = this.progress.get(peer);
    if (!pr || pr.ackedSendTick === -Infinity) return Infinity;
    return this.ticks - pr.ackedSendTick;
  }

  transferee(): string {
    return this.leadTransferee;
  }

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.log.pendingSnapshot !== null ||
      this.log.stable < this.log.lastIndex() ||
      !sameHardState(this.prevHardState, this.hardState()) ||
      Math.min(this.log.committed, this.log.stable) > this.log.applied
    );
  }

  ready(): Ready {
    const hs = this.hardState();
    const snapshot = this.log.pendingSnapshot;
    const entries = this.log.slice(this.log.stable + 1, this.log.lastIndex());
    // Apply only what is both committed and on our own disk.
    const applyTo = Math.min(this.log.committed, this.log.lastIndex());
    const committedEntries = snapshot ? [] : this.log.slice(this.log.applied + 1, applyTo);
    const messages = this.msgs;
    this.msgs = [];
    return {
      hardState: sameHardState(this.prevHardState, hs) ? null : hs,
      entries,
      snapshot,
      messages,
      committedEntries,
    };
  }

  /** The driver has persisted, sent and applied everything in `rd`. */
  advance(rd: Ready): void {
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.snapshot) {
      if (this.log.pendingSnapshot === rd.snapshot) this.log.pendingSnapshot = null;
      this.log.applied = Math.max(this.log.applied, rd.snapshot.index);
      this.log.stable = Math.max(this.log.stable, rd.snapshot.index);
    }
    const lastEnt = rd.entries[rd.entries.length - 1];
    if (lastEnt && this.log.term(lastEnt.index) === lastEnt.term) {
      this.log.stable = Math.max(this.log.stable, lastEnt.index);
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied) this.log.applied = Math.max(this.log.applied, lastApplied.index);
  }

  /** The application snapshotted its state at `index` (<= applied): drop the log before it. */
  compact(index: number, data: Uint8Array): Snapshot {
    const term = this.log.term(index);
    if (term === undefined) throw new Error(`raft: cannot compact at unknown index ${index}`);
    const snap: Snapshot = { index, term, voters: this.voters, data };
    this.log.compact(snap);
    return snap;
  }

  // ---- role changes -----------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = '';
      this.timeoutNowSent = false;
    }
    this.lead = '';
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTicks + Math.floor(this.random() * this.electionTicks);
    this.votes.clear();
    this.leadTransferee = '';
    this.progress.clear();
    for (const v of this.voters) this.progress.set(v, new Progress(this.log.lastIndex() + 1));
  }

  private becomeFollower(term: number, lead: string): void {
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  private becomePreCandidate(): void {
    // Term and vote are untouched: a pre-vote changes nothing anyone persists.
    this.votes.clear();
    this.lead = '';
    this.role = 'pre-candidate';
  }

  private becomeCandidate(): void {
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    // Votes are not lease promises: the lease starts with the first acks.
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    this.leaderSinceTick = this.ticks;
    this.ticksSinceLeader = 0;
    const self = this.progress.get(this.id)!;
    self.becomeReplicate();
    // The no-op lets us commit (and so learn the commit index) in our own term.
    this.appendEntries([{ term: this.term, index: this.log.lastIndex() + 1, type: 'noop', data: NO_DATA }]);
    this.bcastAppend();
  }

  private hup(transfer: boolean): void {
    if (this.log.pendingSnapshot !== null) return;
    if (transfer) this.runElection('vote', TRANSFER);
    else this.runElection('prevote', '');
  }

  private runElection(kind: 'vote' | 'prevote', context: string): void {
    let term: number;
    if (kind === 'prevote') {
      this.becomePreCandidate();
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'prevote') this.runElection('vote', context);
      else this.becomeLeader();
      return;
    }
    this.campaignContext = context;
    this.requestVotes(false);
  }

  /**
   * Asks every voter (or, on a retry, those that have not answered) for its
   * (pre-)vote. Retrying each heartbeat is harmless — the requests change
   * nothing until granted — and lets a candidate win as soon as a voter's
   * lease promise to a dead leader runs out, instead of a whole timeout later.
   */
  private requestVotes(retry: boolean): void {
    const kind: MessageType = this.role === 'pre-candidate' ? 'prevote' : 'vote';
    const term = this.role === 'pre-candidate' ? this.term + 1 : this.term;
    for (const v of this.voters) {
      if (v === this.id || (retry && this.votes.has(v))) continue;
      const m = this.newMessage(kind, v, term);
      m.index = this.log.lastIndex();
      m.logTerm = this.log.lastTerm();
      m.context = this.campaignContext;
      this.msgs.push(m);
    }
  }

  private poll(from: string, granted: boolean): 'won' | 'lost' | 'pending' {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let yes = 0;
    let no = 0;
    for (const g of this.votes.values()) {
      if (g) yes++;
      else no++;
    }
    if (yes >= this.quorum()) return 'won';
    if (no > this.voters.length - this.quorum()) return 'lost';
    return 'pending';
  }

  // ---- ticks --------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    } else if (this.role !== 'follower' && this.electionElapsed % this.heartbeatTicks === 0) {
      this.requestVotes(true);
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    this.ticksSinceLeader = 0;
    if (this.leadTransferee !== '') {
      this.transferElapsed++;
      if (this.transferElapsed >= this.electionTicks) {
        this.leadTransferee = '';
        if (this.timeoutNowSent) {
          // The target may still campaign on a late TimeoutNow and voters will
          // ignore their leases for it: our lease is gone, so let a fresh
          // election settle who leads.
          this.becomeFollower(this.term, '');
          return;
        }
      }
    }
    // CheckQuorum, per tick: a leader that has not heard from a quorum within
    // an election timeout steps down (after its first full timeout in office).
    if (
      this.ticks - this.leaderSinceTick >= this.electionTicks &&
      this.countHeardWithin(this.electionTicks) < this.quorum()
    ) {
      this.becomeFollower(this.term, '');
      return;
    }
    if (this.heartbeatElapsed >= this.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  private countHeardWithin(ticks: number): number {
    let n = 0;
    for (const v of this.voters) {
      if (v === this.id) n++;
      else if (this.ticks - this.progress.get(v)!.ackedSendTick < ticks) n++;
    }
    return n;
  }

  // ---- messages -----------------------------------------------------------

  private newMessage(type: MessageType, to: string, term = this.term): Message {
    return emptyMessage(type, this.id, to, term);
  }

  step(m: Message): void {
    if (m.to !== this.id) return;
    if (!this.voters.includes(m.from)) return;
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'prevote') {
        const force = m.context === TRANSFER;
        // We promised the leader we last heard from (or were) not to help
        // anyone else win for an election timeout: its lease depends on it.
        const inLease = this.ticksSinceLeader < this.electionTicks;
        if (!force && inLease) return;
      }
      if (m.type === 'prevote') {
        // never change term in response to a pre-vote
      } else if (m.type === 'prevote_resp' && !m.reject) {
        // the term moves once the pre-vote succeeds
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, '');
      }
    } else if (m.term < this.term) {
      if (m.type === 'app' || m.type === 'heartbeat') {
        // A stale leader learns our term from this and steps down.
        this.msgs.push(this.newMessage('app_resp', m.from));
      } else if (m.type === 'prevote') {
        const r = this.newMessage('prevote_resp', m.from);
        r.reject = true;
        this.msgs.push(r);
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'prevote') {
      this.handleVote(m);
      return;
    }

    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        break;
      case 'candidate':
      case 'pre-candidate':
        this.stepCandidate(m);
        break;
      case 'follower':
        this.stepFollower(m);
        break;
    }
  }

  private handleVote(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === '' && this.lead === '') ||
      (m.type === 'prevote' && m.term > this.term) ||
      this.mutation === 'vote-twice';
    const upToDate = this.mutation === 'vote-ignores-log' || this.log.isUpToDate(m.index, m.logTerm);
    const respType = m.type === 'vote' ? 'vote_resp' : 'prevote_resp';
    if (canVote && upToDate) {
      // A granted pre-vote answers in the term asked about, so the
      // pre-candidate counts it; a real vote answers in our (now equal) term.
      const r = this.newMessage(respType, m.from, m.term);
      this.msgs.push(r);
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      const r = this.newMessage(respType, m.from);
      r.reject = true;
      this.msgs.push(r);
    }
  }

  private stepCandidate(m: Message): void {
    const myResp: MessageType = this.role === 'pre-candidate' ? 'prevote_resp' : 'vote_resp';
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      default:
        break;
    }
    if (m.type !== myResp) return;
    const res = this.poll(m.from, !m.reject);
    if (res === 'won') {
      if (this.role === 'pre-candidate') this.runElection('vote', '');
      else this.becomeLeader();
    } else if (res === 'lost') {
      this.becomeFollower(this.term, '');
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.heardFromLeader(m.from);
        this.handleAppend(m);
        break;
      case 'heartbeat':
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        break;
      case 'snap':
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        break;
      case 'timeout_now':
        // Only our own leader can hand over to us.
        if (m.from === this.lead) this.hup(true);
        break;
      default:
        break;
    }
  }

  private heardFromLeader(from: string): void {
    this.electionElapsed = 0;
    this.ticksSinceLeader = 0;
    this.lead = from;
  }

  private handleAppend(m: Message): void {
    this.ticksSinceLeader = 0;
    const r = this.newMessage('app_resp', m.from);
    r.context = m.context;
    if (m.index < this.log.committed) {
      r.index = this.log.committed;
      this.msgs.push(r);
      return;
    }
    const last = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== null) {
      r.index = last;
    } else {
      // Fast back-off: point the leader at the last index whose term could match.
      const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
      r.reject = true;
      r.index = m.index;
      r.rejectHint = hint.index;
      r.logTerm = hint.term;
    }
    this.msgs.push(r);
  }

  private handleHeartbeat(m: Message): void {
    this.ticksSinceLeader = 0;
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    const r = this.newMessage('heartbeat_resp', m.from);
    r.context = m.context;
    this.msgs.push(r);
  }

  private handleSnapshot(m: Message): void {
    this.ticksSinceLeader = 0;
    const s = m.snapshot;
    const r = this.newMessage('app_resp', m.from);
    r.context = m.context;
    if (!s || s.index <= this.log.committed) {
      r.index = this.log.committed;
    } else if (this.log.matchTerm(s.index, s.term)) {
      // We already have the entries: just learn that they are committed.
      this.log.commitTo(s.index);
      r.index = this.log.lastIndex();
    } else {
      this.log.restore(s);
      r.index = this.log.lastIndex();
    }
    this.msgs.push(r);
  }

  private stepLeader(m: Message): void {
    const pr = this.progress.get(m.from);
    if (!pr) return;
    const sent = m.context === '' ? NaN : Number(m.context);
    switch (m.type) {
      case 'app_resp': {
        if (Number.isFinite(sent)) pr.ackedSendTick = Math.max(pr.ackedSendTick, sent);
        if (m.reject) {
          let hint = m.rejectHint;
          if (m.logTerm > 0) hint = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
          if (pr.maybeDecrTo(m.index, hint)) {
            if (pr.state === 'replicate') pr.becomeProbe();
            this.sendAppend(m.from);
          }
          return;
        }
        const wasPaused = pr.isPaused();
        if (pr.maybeUpdate(m.index)) {
          if (pr.state === 'probe') pr.becomeReplicate();
          else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
            pr.becomeProbe();
            pr.becomeReplicate();
          }
          if (this.maybeCommit()) this.bcastAppend();
          else if (wasPaused) this.sendAppend(m.from);
          // Keep streaming while there is more and the window allows.
          while (pr.next <= this.log.lastIndex() && !pr.isPaused()) {
            if (!this.sendAppend(m.from)) break;
          }
          if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
        }
        return;
      }
      case 'heartbeat_resp': {
        if (Number.isFinite(sent)) pr.ackedSendTick = Math.max(pr.ackedSendTick, sent);
        pr.probeSent = false;
        if (pr.state === 'snapshot') pr.becomeProbe();
        if (pr.state === 'replicate' && pr.isPaused()) pr.inflight.shift();
        if (pr.match < this.log.lastIndex()) this.sendAppend(m.from);
        return;
      }
      default:
        return;
    }
  }

  private maybeCommit(): boolean {
    const matches = this.voters.map((v) => this.progress.get(v)!.match).sort((a, b) => b - a);
    const mci = matches[this.quorum() - 1]!;
    // Only entries of our own term are committed by counting (Raft §5.4.2).
    if (mci > this.log.committed && this.log.term(mci) === this.term) {
      this.log.commitTo(mci);
      return true;
    }
    return false;
  }

  private appendEntries(ents: Entry[]): void {
    this.log.append(ents);
    const self = this.progress.get(this.id)!;
    self.maybeUpdate(this.log.lastIndex());
    this.maybeCommit();
  }

  private bcastAppend(): void {
    for (const v of this.voters) if (v !== this.id) this.sendAppend(v);
  }

  private bcastHeartbeat(): void {
    for (const v of this.voters) {
      if (v === this.id) continue;
      const pr = this.progress.get(v)!;
      const m = this.newMessage('heartbeat', v);
      // Never tell a follower to commit past what we know it has.
      m.commit = Math.min(pr.match, this.log.committed);
      m.context = String(this.ticks);
      this.msgs.push(m);
    }
  }

  /** Sends the next append (or the snapshot) to `to`; false if nothing was sent. */
  private sendAppend(to: string): boolean {
    const pr = this.progress.get(to)!;
    if (pr.isPaused()) return false;
    const prevTerm = this.log.term(pr.next - 1);
    if (prevTerm === undefined || pr.next <= this.log.snapshot.index) {
      const m = this.newMessage('snap', to);
      m.snapshot = this.log.snapshot;
      m.context = String(this.ticks);
      pr.becomeSnapshot(this.log.snapshot.index);
      this.msgs.push(m);
      return true;
    }
    const ents = this.log.slice(pr.next, this.log.lastIndex(), this.maxEntriesPerMsg);
    if (pr.state === 'replicate' && ents.length === 0 && pr.next <= this.log.lastIndex()) return false;
    const m = this.newMessage('app', to);
    m.index = pr.next - 1;
    m.logTerm = prevTerm;
    m.entries = ents;
    m.commit = this.log.committed;
    m.context = String(this.ticks);
    this.msgs.push(m);
    if (pr.state === 'replicate') {
      const last = ents[ents.length - 1];
      if (last) {
        pr.next = last.index + 1;
        pr.inflight.push(last.index);
      }
    } else if (pr.state === 'probe') {
      pr.probeSent = true;
    }
    return ents.length > 0 || pr.state === 'probe';
  }

  private sendTimeoutNow(to: string): void {
    this.timeoutNowSent = true;
    this.msgs.push(this.newMessage('timeout_now', to));
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
