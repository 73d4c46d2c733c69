import { RaftCore } from '../../src/raft/core/raft-core.js';
import type { Message, MessageType } from '../../src/raft/core/types.js';
import { emptyMessage } from '../../src/raft/core/types.js';
import { runReadySync, takeReady } from '../../src/raft/driver/ready-loop.js';
import { describe as describeMessage } from '../../src/raft/sim/simulation.js';
import { MemoryStorage } from '../../src/raft/storage/memory-storage.js';

interface Node {
  core: RaftCore | null;
  disk: MemoryStorage;
  applied: string[];
}

/**
 * Interprets one scenario file's commands against real cores, with an
 * in-memory disk and a FIFO network, and returns the trace each command
 * printed (see docs/raft.md, "Scenario tests").
 */
export class ScenarioEnv {
  private nodes = new Map<string, Node>();
  private ids: string[] = [];
  private electionTicks = 10;
  private heartbeatTicks = 1;
  private maxEntries = 64;
  private blocked = new Set<string>();
  private network: Message[] = [];

  run(line: string): string[] {
    const [cmd, ...args] = line.trim().split(/\s+/);
    const out: string[] = [];
    switch (cmd) {
      case 'nodes': {
        const kv = this.kv(args);
        this.electionTicks = Number(kv.election ?? 10);
        this.heartbeatTicks = Number(kv.heartbeat ?? 1);
        this.maxEntries = Number(kv.maxents ?? 64);
        this.ids = args.filter((a) => !a.includes('='));
        for (const id of this.ids) {
          this.nodes.set(id, { core: null, disk: new MemoryStorage(`disk of ${id}`), applied: [] });
          this.boot(id);
        }
        out.push(...this.status());
        break;
      }
      case 'campaign':
        this.core(args[0]!).campaign();
        out.push(...this.roles());
        break;
      case 'tick': {
        const n = Number(args[1] ?? 1);
        const targets = args[0] === 'all' ? this.live() : [args[0]!];
        for (let i = 0; i < n; i++) for (const id of targets) this.core(id).tick();
        out.push(...this.roles());
        break;
      }
      case 'propose': {
        const res = this.core(args[0]!).propose(new TextEncoder().encode(args[1] ?? ''));
        out.push(res ? `proposed at ${res.index} term ${res.term}` : 'dropped: not leader or transferring');
        break;
      }
      case 'transfer':
        out.push(this.core(args[0]!).transferLeader(args[1]!) ? `transfer ${args[0]} -> ${args[1]} started` : 'refused');
        out.push(...this.roles());
        break;
      case 'stabilize':
        out.push(...this.stabilize());
        break;
      case 'run': {
        // N rounds of: every live node ticks once, then stabilize; prints only role changes.
        for (let i = 0; i < Number(args[0] ?? 1); i++) {
          for (const id of this.live()) this.core(id).tick();
          out.push(...this.roles());
          out.push(...this.stabilize().filter((l) => l.includes(' became ')));
        }
        break;
      }
      case 'partition': {
        const bar = args.indexOf('|');
        const left = new Set(args.slice(0, bar));
        const right = new Set(bar < 0 ? this.ids.filter((i) => !left.has(i)) : args.slice(bar + 1));
        for (const a of left) for (const b of right) {
          this.blocked.add(`${a}>${b}`);
          this.blocked.add(`${b}>${a}`);
        }
        break;
      }
      case 'cut':
        this.blocked.add(`${args[0]}>${args[1]}`);
        break;
      case 'heal':
        this.blocked.clear();
        break;
      case 'status':
        out.push(...this.status());
        break;
      case 'lease': {
        // lease <id> <owed>: is the lease valid if the driver owed this many undelivered ticks?
        out.push(`${args[0]} lease with ${args[1] ?? 0} owed ticks: ${this.core(args[0]!).leaseValid(Number(args[1] ?? 0))}`);
        break;
      }
      case 'log': {
        const c = this.core(args[0]!);
        out.push(`snapshot ${c.log.snapshot.index}/${c.log.snapshot.term} committed ${c.log.committed} applied ${c.log.applied}`);
        for (const e of c.log.entries) out.push(`${e.index}/${e.term} ${e.type === 'normal' ? Buffer.from(e.data).toString() : e.type}`);
        break;
      }
      case 'compact': {
        const id = args[0]!;
        const c = this.core(id);
        const snap = c.compact(c.log.applied, new TextEncoder().encode(JSON.stringify(this.node(id).applied)));
        this.node(id).disk.compact(snap, c.hardState(), c.log.slice(snap.index + 1, c.log.stable));
        out.push(`${id} compacted to ${snap.index}/${snap.term}`);
        break;
      }
      case 'crash': {
        this.node(args[0]!).core = null;
        this.network = this.network.filter((m) => m.to !== args[0] && m.from !== args[0]);
        out.push(`${args[0]} crashed`);
        break;
      }
      case 'restart':
        this.boot(args[0]!);
        out.push(...this.status([args[0]!]));
        break;
      case 'inject': {
        // inject <from> <to> <type> term=.. index=.. logTerm=.. commit=.. reject=1 hint=..
        const [from, to, type] = args as [string, string, MessageType];
        const kv = this.kv(args.slice(3));
        const m = emptyMessage(type, from, to, Number(kv.term ?? 0));
        m.index = Number(kv.index ?? 0);
        m.logTerm = Number(kv.logTerm ?? 0);
        m.commit = Number(kv.commit ?? 0);
        m.reject = kv.reject === '1';
        m.rejectHint = Number(kv.hint ?? 0);
        out.push(`${from}->${to} ${describeMessage(m)}`);
        this.core(to).step(m);
        out.push(...this.roles());
        break;
      }
      default:
        throw new Error(`unknown scenario command "${cmd}"`);
    }
    return out.length ? out : ['ok'];
  }

  private kv(args: string[]): Record<string, string> {
    return Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=') as [string, string]));
  }

  private node(id: string): Node {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private core(id: string): RaftCore {
    const c = this.node(id).core;
    if (!c) throw new Error(`${id} is down`);
    return c;
  }

  private live(): string[] {
    return this.ids.filter((id) => this.node(id).core);
  }

  private boot(id: string): void {
    const n = this.node(id);
    const d = n.disk.read();
    n.core = new RaftCore(
      // Distinct fixed timeouts (n1 shortest), so scenarios never split votes by accident.
      { id, voters: this.ids, electionTicks: this.electionTicks, heartbeatTicks: this.heartbeatTicks, maxEntriesPerMsg: this.maxEntries, random: () => this.ids.indexOf(id) / (2 * this.ids.length) },
      d,
    );
    n.applied = d.snapshot ? (JSON.parse(Buffer.from(d.snapshot.data).toString()) as string[]) : [];
    this.lastRoles.set(id, `${n.core.role}@${n.core.term}`);
  }

  private lastRoles = new Map<string, string>();

  /** Role changes since the last call, one line each. */
  private roles(): string[] {
    const out: string[] = [];
    for (const id of this.live()) {
      const c = this.core(id);
      const now = `${c.role}@${c.term}`;
      if (this.lastRoles.get(id) !== now) out.push(`${id} became ${c.role} at term ${c.term}`);
      this.lastRoles.set(id, now);
    }
    return out;
  }

  private status(only = this.ids): string[] {
    return only.map((id) => {
      const c = this.node(id).core;
      if (!c) return `${id}: down`;
      return `${id}: ${c.role} term=${c.term} vote=${c.vote || '-'} lead=${c.lead || '-'} last=${c.log.lastIndex()} commit=${c.log.committed} applied=${c.log.applied} lease=${c.leaseValid()}`;
    });
  }

  /** Persist/send/apply every Ready and deliver every message (in order) until nothing moves. */
  private stabilize(): string[] {
    const out: string[] = [];
    for (let round = 0; round < 1000; round++) {
      let moved = false;
      for (const id of this.live()) {
        const n = this.node(id);
        const rd = takeReady(n.core!);
        if (!rd) continue;
        moved = true;
        const applied: number[] = [];
        runReadySync(n.core!, rd, {
          storage: n.disk,
          send: (msgs) => this.network.push(...msgs),
          restore: (snap) => {
            n.applied = JSON.parse(Buffer.from(snap.data).toString()) as string[];
            out.push(`${id} restored snapshot ${snap.index}/${snap.term}`);
          },
          apply: (e) => {
            n.applied.push(e.type === 'normal' ? Buffer.from(e.data).toString() : e.type);
            applied.push(e.index);
          },
          // Scenarios compact only on the `compact` command.
          snapshotEvery: Infinity,
          snapshot: () => new TextEncoder().encode(JSON.stringify(n.applied)),
        });
        if (applied.length) out.push(`${id} applied ${applied.join(',')}`);
      }
      const msgs = this.network;
      this.network = [];
      for (const m of msgs) {
        const to = this.nodes.get(m.to);
        if (this.blocked.has(`${m.from}>${m.to}`) || !to?.core) {
          out.push(`${m.from}->${m.to} DROPPED ${describeMessage(m)}`);
          continue;
        }
        moved = true;
        out.push(`${m.from}->${m.to} ${describeMessage(m)}`);
        to.core.step(m);
        out.push(...this.roles());
      }
      out.push(...this.roles());
      if (!moved) break;
    }
    return out;
  }
}
