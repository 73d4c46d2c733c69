import { RaftCore, type CoreMutation } from '../core/raft-core.js';
import type { Entry, Message, Ready, Snapshot } from '../core/types.js';
import { runReadySync, takeReady, type ReadyPorts } from '../driver/ready-loop.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { Prng } from './prng.js';
import { entryKey, InvariantViolation, SimChecker } from './sim-checker.js';

export interface SimOptions {
  seed: number;
  nodes?: number;
  /** Ticks of faults before healing. */
  chaosTicks?: number;
  /** Election timeouts allowed after healing for a leader to emerge and a proposal to commit everywhere. */
  livenessTimeouts?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  snapshotEvery?: number;
  mutation?: CoreMutation;
  /** Keep a readable event trace (slower); printed on failure by the CLI. */
  trace?: boolean;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  failure?: string;
  invariant?: string;
  tick: number;
  stats: { elections: number; committed: number; crashes: number; delivered: number; dropped: number; maxTerm: number; healedAfterTicks: number };
  trace: string[];
}

interface InFlight {
  message: Message;
  at: number;
}

/** One simulated coordinator: a core, its disk, its state machine and its stalls. */
class SimNode {
  core: RaftCore | null = null;
  /** Survives crashes; a crash during a save keeps a prefix of its records. */
  readonly disk: MemoryStorage;
  /** What the shared Ready loop carries each Ready out against (set by Simulation.boot). */
  ports: ReadyPorts | null = null;
  /** A Ready being persisted: no step() until it completes (as in the driver). */
  persisting: Ready | null = null;
  /** The state machine: key of every applied entry, by index - 1. */
  history: string[] = [];
  stalledUntil = 0;
  stalledTicks = 0;
  downUntil = 0;
  /** Clock rate relative to real time (drift), and the fraction of a tick owed. */
  rate = 1;
  owed = 0;
  constructor(readonly id: string) {
    this.disk = new MemoryStorage(`sim disk: ${id}`);
  }

  up(): boolean {
    return this.core !== null;
  }

  busy(now: number): boolean {
    return this.core === null || this.stalledUntil > now;
  }
}

/**
 * A seeded, deterministic simulation of a Raft cluster: simulated clock and
 * network (drops, delays, reordering, duplication, symmetric and one-way
 * partitions), crash-restarts that lose unsynced writes, and stalls that
 * end in a burst of ticks (a clock jump). Safety is checked after every
 * event; liveness after the faults heal.
 */
export class Simulation {
  readonly opts: Required<Omit<SimOptions, 'mutation' | 'trace'>> & Pick<SimOptions, 'mutation' | 'trace'>;
  private rng: Prng;
  private nodes: SimNode[];
  private ids: string[];
  private network: InFlight[] = [];
  /** blocked.has("a>b"): messages from a to b are lost. */
  private blocked = new Set<string>();
  private dropRate = 0;
  private dupRate = 0;
  private maxDelay = 0;
  private now = 0;
  private checker = new SimChecker();
  private proposals = 0;
  private faulty = true;
  readonly trace: string[] = [];
  private stats = { elections: 0, committed: 0, crashes: 0, delivered: 0, dropped: 0, maxTerm: 0, healedAfterTicks: 0 };

  constructor(opts: SimOptions) {
    this.opts = {
      nodes: 3,
      chaosTicks: 150,
      livenessTimeouts: 20,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEvery: 16,
      ...opts,
    };
    this.rng = new Prng(opts.seed);
    this.ids = Array.from({ length: this.opts.nodes }, (_, i) => `n${i + 1}`);
    this.nodes = this.ids.map((id) => new SimNode(id));
    this.dropRate = this.rng.next() * 0.2;
    this.dupRate = this.rng.next() * 0.1;
    // Mostly LAN-like delays; some seeds get delays past an election timeout,
    // so stale messages from old terms keep arriving.
    this.maxDelay = this.rng.chance(0.2) ? this.rng.int(4, 15) : this.rng.int(0, 3);
    // Half the seeds run every node's clock up to 5 % fast or slow.
    if (this.rng.chance(0.5)) for (const n of this.nodes) n.rate = 1 + (this.rng.next() * 2 - 1) * 0.05;
  }

  private log(f: () => string): void {
    if (this.opts.trace) this.trace.push(`t=${this.now} ${f()}`);
  }

  run(): SimResult {
    try {
      for (const n of this.nodes) this.boot(n);
      for (; this.now < this.opts.chaosTicks; this.now++) {
        this.faults();
        this.tickAll();
        this.maybePropose(`p${this.proposals++}`);
        this.settle();
      }
      this.heal();
      const healedAt = this.now;
      const deadline = this.now + this.opts.livenessTimeouts * this.opts.electionTicks;
      const final = `final-${this.opts.seed}`;
      for (; this.now < deadline; this.now++) {
        this.tickAll();
        if (this.now % 3 === 0) this.maybePropose(final);
        this.settle();
        if (this.finalAppliedEverywhere(final)) {
          this.stats.healedAfterTicks = this.now - healedAt;
          return this.result(true);
        }
      }
      const roles = this.nodes.map((n) => `${n.id}:${n.core?.role}@${n.core?.term} commit=${n.core?.log.committed}`).join(' ');
      return this.result(false, 'liveness', `no leader committed a proposal on every node within ${this.opts.livenessTimeouts} election timeouts of healing (${roles})`);
    } catch (err) {
      if (err instanceof InvariantViolation) return this.result(false, err.invariant, err.message);
      return this.result(false, 'exception', err instanceof Error ? (err.stack ?? err.message) : String(err));
    }
  }

  private result(ok: boolean, invariant?: string, failure?: string): SimResult {
    for (const n of this.nodes) if (n.core) this.stats.maxTerm = Math.max(this.stats.maxTerm, n.core.term);
    this.stats.committed = this.checker.maxCommitted;
    return { seed: this.opts.seed, ok, invariant, failure, tick: this.now, stats: this.stats, trace: this.trace };
  }

  // ---- nodes --------------------------------------------------------------

  private boot(n: SimNode): void {
    const d = n.disk.read();
    const random = this.rng.fork();
    n.core = new RaftCore(
      {
        id: n.id,
        voters: this.ids,
        electionTicks: this.opts.electionTicks,
        heartbeatTicks: this.opts.heartbeatTicks,
        random: () => random.next(),
        mutation: this.opts.mutation,
      },
      d,
    );
    n.history = d.snapshot ? this.restoreHistory(n, d.snapshot) : [];
    n.ports ??= this.readyPorts(n);
    n.persisting = null;
    n.stalledUntil = 0;
    this.checker.restarted(n.id);
    this.log(() => `${n.id} boot term=${d.hardState.term} vote=${d.hardState.vote} commit=${d.hardState.commit} last=${d.entries.at(-1)?.index ?? d.snapshot?.index ?? 0}`);
    this.check(n);
  }

  private crash(n: SimNode): void {
    if (!n.core) return;
    this.stats.crashes++;
    if (n.persisting) {
      // The fsync never finished: any prefix of the Ready's records may have reached the disk.
      const rd = n.persisting;
      n.disk.crashDuringSave(rd.hardState, rd.entries, rd.snapshot, (records) => this.rng.int(0, records));
    }
    n.core = null;
    n.persisting = null;
    n.downUntil = this.now + this.rng.int(1, 3 * this.opts.electionTicks);
    this.log(() => `${n.id} crash`);
  }

  /** The driver's loop body (driver/ready-loop.ts), run to completion at once: the disk is synchronous. */
  private completeReady(n: SimNode): void {
    const rd = n.persisting!;
    n.persisting = null;
    runReadySync(n.core!, rd, n.ports!);
    this.check(n);
  }

  private readyPorts(n: SimNode): ReadyPorts {
    return {
      storage: n.disk,
      send: (msgs) => {
        for (const m of msgs) this.send(m);
      },
      restore: (s) => {
        n.history = this.restoreHistory(n, s);
      },
      apply: (e) => this.apply(n, e),
      snapshotEvery: this.opts.snapshotEvery,
      snapshot: () => new TextEncoder().encode(JSON.stringify(n.history)),
      compacted: (snap) => this.log(() => `${n.id} compact at ${snap.index}`),
    };
  }

  private apply(n: SimNode, e: Entry): void {
    if (e.index !== n.history.length + 1) {
      throw new InvariantViolation('state machine safety', `${n.id} applied ${e.index} after ${n.history.length}`);
    }
    const key = entryKey(e);
    this.checker.noteCommitted(n.id, e.index, key, n.core!.term);
    n.history.push(key);
  }

  private restoreHistory(n: SimNode, s: Snapshot): string[] {
    const h = JSON.parse(new TextDecoder().decode(s.data)) as string[];
    if (h.length !== s.index) throw new InvariantViolation('state machine safety', `${n.id} snapshot at ${s.index} holds ${h.length} entries`);
    h.forEach((key, i) => this.checker.noteCommitted(n.id, i + 1, key, n.core?.term ?? s.term));
    return h;
  }

  private check(n: SimNode): void {
    if (!n.core) return;
    this.checker.checkNode(n.id, n.core);
    // Leader lease: at no instant may two nodes both believe theirs is valid.
    let holder = '';
    for (const o of this.nodes) {
      if (!o.core || o.stalledUntil > this.now || o.stalledTicks > 0 || !o.core.leaseValid()) continue;
      if (holder) {
        throw new InvariantViolation('lease safety', `${holder} and ${o.id} (term ${o.core.term}) both hold a valid lease`);
      }
      holder = `${o.id} (term ${o.core.term})`;
    }
  }

  // ---- time, network, faults ------------------------------------------------

  private tickAll(): void {
    for (const n of this.nodes) {
      if (!n.core) {
        if (n.downUntil <= this.now) this.boot(n);
        continue;
      }
      if (n.stalledUntil > this.now) {
        n.stalledTicks++;
        continue;
      }
      // A stall ends in a burst: the driver catches up on missed ticks at once.
      n.owed += (1 + n.stalledTicks) * n.rate;
      n.stalledTicks = 0;
      const ticks = Math.floor(n.owed);
      n.owed -= ticks;
      const before = n.core.role;
      for (let i = 0; i < ticks; i++) n.core.tick();
      if (n.core.role !== before) this.roleChanged(n, before);
      this.check(n);
    }
  }

  private roleChanged(n: SimNode, before: string): void {
    const c = n.core!;
    if (c.role === 'leader') this.stats.elections++;
    this.log(() => `${n.id} ${before} -> ${c.role} term=${c.term}`);
  }

  private send(m: Message): void {
    if (this.faulty && (this.blocked.has(`${m.from}>${m.to}`) || this.rng.chance(this.dropRate))) {
      this.stats.dropped++;
      return;
    }
    this.network.push({ message: m, at: this.now + this.rng.int(0, this.maxDelay) });
    if (this.faulty && this.rng.chance(this.dupRate)) this.network.push({ message: m, at: this.now + this.rng.int(0, this.maxDelay + 2) });
  }

  /** Delivers due messages in random order and drains readies until nothing is left this tick. */
  private settle(): void {
    for (let round = 0; round < 100; round++) {
      let progressed = false;
      for (const n of this.nodes) {
        if (n.busy(this.now)) continue;
        if (n.persisting) {
          // fsync takes a while: sometimes the Ready is still in flight at the next tick.
          if (this.faulty && this.rng.chance(0.2)) continue;
          this.completeReady(n);
          progressed = true;
        }
        if (!n.persisting) {
          n.persisting = takeReady(n.core!);
          if (n.persisting) progressed = true;
        }
      }
      const due: InFlight[] = [];
      const later: InFlight[] = [];
      for (const f of this.network) (f.at <= this.now ? due : later).push(f);
      this.network = later;
      // Reordering: due messages arrive in random order.
      for (let i = due.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [due[i], due[j]] = [due[j]!, due[i]!];
      }
      for (const f of due) {
        const n = this.node(f.message.to);
        if (!n.core) {
          this.stats.dropped++;
          continue;
        }
        if (n.busy(this.now) || n.persisting) {
          this.network.push({ message: f.message, at: this.now + 1 });
          continue;
        }
        const before = n.core.role;
        this.log(() => `${f.message.from}->${f.message.to} ${describe(f.message)}`);
        n.core.step(f.message);
        this.stats.delivered++;
        if (n.core.role !== before) this.roleChanged(n, before);
        this.check(n);
        progressed = true;
      }
      if (!progressed) return;
    }
  }

  private faults(): void {
    const r = this.rng;
    if (r.chance(0.02)) {
      // Symmetric partition into two random groups.
      this.blocked.clear();
      const side = new Set(this.ids.filter(() => r.chance(0.5)));
      for (const a of this.ids) for (const b of this.ids) if (side.has(a) !== side.has(b)) this.blocked.add(`${a}>${b}`);
      this.log(() => `partition [${[...side].join(',')}] | rest`);
    }
    if (r.chance(0.02)) {
      // One-way or non-transitive: cut a single direction or a single link.
      const a = r.pick(this.ids);
      const b = r.pick(this.ids.filter((x) => x !== a));
      this.blocked.add(`${a}>${b}`);
      if (r.chance(0.5)) this.blocked.add(`${b}>${a}`);
      this.log(() => `cut ${a}>${b}`);
    }
    if (r.chance(0.03)) {
      this.blocked.clear();
      this.log(() => 'network healed');
    }
    if (r.chance(0.015)) this.crash(r.pick(this.nodes));
    if (r.chance(0.01)) this.maybeTransfer();
    if (r.chance(0.015)) {
      const n = r.pick(this.nodes);
      if (n.core && n.stalledUntil <= this.now) {
        n.stalledUntil = this.now + r.int(1, 2 * this.opts.electionTicks);
        this.log(() => `${n.id} stalls until ${n.stalledUntil}`);
      }
    }
  }

  private maybeTransfer(): void {
    const leader = this.nodes.find((n) => !n.busy(this.now) && n.core!.role === 'leader');
    if (!leader) return;
    const to = this.rng.pick(this.ids.filter((x) => x !== leader.id));
    if (leader.core!.transferLeader(to)) this.log(() => `${leader.id} transfer to ${to}`);
  }

  private heal(): void {
    this.faulty = false;
    this.blocked.clear();
    // Liveness is only promised when a round trip fits well inside an election timeout.
    this.maxDelay = Math.min(this.maxDelay, 2);
    for (const n of this.nodes) {
      if (!n.core) n.downUntil = this.now;
      n.stalledUntil = Math.min(n.stalledUntil, this.now);
    }
    this.log(() => 'heal');
  }

  private maybePropose(data: string): void {
    for (const n of this.nodes) {
      if (n.busy(this.now) || n.core!.role !== 'leader') continue;
      if (data.startsWith('final') || this.rng.chance(0.3)) {
        const res = n.core!.propose(new TextEncoder().encode(data));
        if (res) this.log(() => `${n.id} propose ${data} -> ${res.index}@${res.term}`);
      }
    }
  }

  private finalAppliedEverywhere(final: string): boolean {
    return this.nodes.every((n) => n.core !== null && n.history.some((k) => k.endsWith(`:normal:${final}`)));
  }

  private node(id: string): SimNode {
    return this.nodes.find((n) => n.id === id)!;
  }
}

export function describe(m: Message): string {
  const parts = [m.type, `term=${m.term}`];
  if (m.type === 'app' || m.type === 'vote' || m.type === 'prevote') parts.push(`index=${m.index}`, `logTerm=${m.logTerm}`);
  if (m.type === 'app' || m.type === 'heartbeat') parts.push(`commit=${m.commit}`);
  if (m.type === 'app_resp') parts.push(`index=${m.index}`);
  if (m.reject) parts.push(m.type === `app_resp` ? `reject hint=${m.rejectHint}/${m.logTerm}` : `reject`);
  if (m.entries.length) parts.push(`entries=[${m.entries.map((e) => `${e.index}/${e.term}${e.type === 'normal' ? ` ${Buffer.from(e.data).toString('utf8')}` : ` ${e.type}`}`).join(', ')}]`);
  if (m.snapshot) parts.push(`snapshot=${m.snapshot.index}/${m.snapshot.term}`);
  if (m.context === 'transfer') parts.push('transfer');
  return parts.join(' ');
}

export function runSeed(opts: SimOptions): SimResult {
  return new Simulation(opts).run();
}
