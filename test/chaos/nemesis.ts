/**
 * The nemesis: a seeded choice among process faults (kill -9, SIGSTOP/SIGCONT) and iptables
 * partitions inside the lab's namespaces, one at a time, each healed before the next. It also keeps
 * the ground truth the checker judges the product against: which fault was in effect when, and
 * whether it stopped the active from serving clients through the LB (`impairsActive`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mulberry32 } from '../../packages/shared/src/seeded-random.js';
import type { HostLayout, LabLayout } from '../../deploy/lab/layout.js';
import { isAlive } from '../../deploy/lab/process.js';
import { run } from '../../deploy/lab/run.js';
import { readState } from '../../deploy/lab/state-file.js';
import { restartDaemon } from '../lab/cluster-client.js';
import type { ClusterStatus } from './cluster.js';
import { nowMs } from './workload.js';

export const FAULT_KINDS = [
  'kill-mysqld-active',
  'stop-mysqld-active',
  'kill-mysqld-passive',
  'kill-php-fpm-active',
  'stop-php-fpm-active',
  'kill-agent-active',
  'stop-agent-active',
  'kill-agent-passive',
  'kill-coordinator-leader',
  'stop-coordinator-leader',
  'kill-coordinator-follower',
  'stop-coordinator-follower',
  'partition-active-from-everyone',
  'partition-active-from-coordinators',
  'partition-lb-from-active',
  'partition-leader-from-followers',
  'one-way-active-to-lb-dropped',
  'one-way-leader-to-followers-dropped',
  'partial-active-from-peer-and-witness',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Faults after which clients cannot be served by the active through the LB: its MySQL or PHP-FPM
 * is dead or frozen, or the LB cannot reach it. A failover is justified only by one of these.
 */
const IMPAIRING: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'kill-mysqld-active',
  'stop-mysqld-active',
  'kill-php-fpm-active',
  'stop-php-fpm-active',
  'partition-active-from-everyone',
  'partition-lb-from-active',
  'one-way-active-to-lb-dropped',
]);

export interface Fault {
  n: number;
  kind: FaultKind;
  /** the lab host the fault was done to (for partitions: the namespace whose iptables changed) */
  host: string;
  description: string;
  activeAtInjection: string | null;
  leaderAtInjection: string | null;
  impairsActive: boolean;
  injectedAt: number;
  healedAt: number | null;
  settledAt: number | null;
  /** why the cluster did not settle after healing (a stuck cluster), else null */
  stuck: string | null;
  /** operator actions the harness took after settling (ack of the anti-flapping block, resume, merge) */
  operatorActions: string[];
  /**
   * Acknowledged writes the active lacked when the cluster stuck with a node kept out (errant
   * transactions): the new active served without them, so clients lost them, whatever the harness's
   * merge did afterwards.
   */
  lostOnActive: { node: string; count: number; sample: string[] } | null;
}

/** Seeded, so a seed replays the same faults. */
export const rng = mulberry32;

const COMMENT = 'wha-chaos';

function byNetns<T extends { netns: string }>(rules: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rules) m.set(r.netns, [...(m.get(r.netns) ?? []), r]);
  return m;
}

interface Undo {
  /** SIGCONT these pids */
  cont?: number[];
  /** restart these recorded daemons with their argv, keeping their data */
  restart?: Array<{ host: string; proc: string; pids: number[] }>;
  /** delete these iptables rules (argument arrays after -I/-D CHAIN) */
  rules?: Array<{ netns: string; chain: 'INPUT' | 'OUTPUT'; spec: string[] }>;
}

function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export class Nemesis {
  readonly faults: Fault[] = [];
  private current: { fault: Fault; undo: Undo } | null = null;

  constructor(
    private readonly layout: LabLayout,
    private readonly log: (line: string) => void,
  ) {}

  private host(name: string): HostLayout {
    const h = this.layout.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no lab host ${name}`);
    return h;
  }

  private pidOf(host: string, proc: string): number {
    const st = readState(this.layout);
    const p = st?.hosts.find((h) => h.name === host)?.processes.find((x) => x.name === proc);
    if (!p) throw new Error(`no ${proc} recorded on ${host}`);
    return p.pid;
  }

  /**
   * Inserts (-I) or deletes (-D) a namespace's rules in one iptables-restore transaction: a partition
   * is one event, not a sequence of cuts (one cut after another left a write acknowledged through the
   * LB while the replica was already cut off, a state no real partition of a host produces).
   */
  private async iptables(netns: string, op: '-I' | '-D', rules: Array<{ chain: 'INPUT' | 'OUTPUT'; spec: string[] }>): Promise<void> {
    if (rules.length === 0) return;
    const lines = rules.map((r) => [op, r.chain, ...r.spec, '-m', 'comment', '--comment', COMMENT, '-j', 'DROP'].join(' '));
    await run(['ip', 'netns', 'exec', netns, 'iptables-restore', '--noflush'], { input: `*filter\n${lines.join('\n')}\nCOMMIT\n`, timeoutMs: 10_000 });
  }

  async inject(n: number, kind: FaultKind, s: ClusterStatus): Promise<Fault> {
    const active = s.active;
    const passive = s.nodes.map((x) => x.name).find((x) => x !== active) ?? null;
    const leader = s.leader.id;
    const coordinators = s.coordinators.map((c) => c.id);
    const followers = coordinators.filter((c) => c !== leader);
    if (!active || !passive) throw new Error(`cannot inject ${kind}: no active/passive pair (${active}, ${passive})`);
    const pick = <T>(xs: T[]) => xs[n % xs.length]!;
    const undo: Undo = {};
    let host = active;
    let description = '';
    const procFault = async (h: string, proc: string, sig: 'SIGKILL' | 'SIGSTOP', withChildren: boolean) => {
      host = h;
      const pid = this.pidOf(h, proc);
      const pids = withChildren ? [pid, ...children(pid)] : [pid];
      for (const p of pids) process.kill(p, sig);
      description = `${sig === 'SIGKILL' ? 'kill -9' : 'SIGSTOP'} ${proc} on ${h} (pid ${pids.join(',')})`;
      if (sig === 'SIGKILL') undo.restart = [{ host: h, proc, pids }];
      else undo.cont = pids;
    };
    // rules are gathered here and go in at once, per namespace, after the switch
    const drop = async (netns: string, chain: 'INPUT' | 'OUTPUT', spec: string[]) => {
      (undo.rules ??= []).push({ netns, chain, spec });
    };
    const addr = (h: string) => this.host(h).address;
    const ns = (h: string) => this.host(h).netns;
    const others = (h: string) => this.layout.hosts.filter((x) => x.name !== h).map((x) => x.name);
    const port = String(this.layout.coordinatorPort);
    switch (kind) {
      case 'kill-mysqld-active':
        await procFault(active, 'mariadb', 'SIGKILL', false);
        break;
      case 'stop-mysqld-active':
        await procFault(active, 'mariadb', 'SIGSTOP', false);
        break;
      case 'kill-mysqld-passive':
        await procFault(passive, 'mariadb', 'SIGKILL', false);
        break;
      case 'kill-php-fpm-active':
        await procFault(active, 'php-fpm', 'SIGKILL', true);
        break;
      case 'stop-php-fpm-active':
        await procFault(active, 'php-fpm', 'SIGSTOP', true);
        break;
      case 'kill-agent-active':
        await procFault(active, 'whmcs-ha-agent', 'SIGKILL', false);
        break;
      case 'stop-agent-active':
        await procFault(active, 'whmcs-ha-agent', 'SIGSTOP', false);
        break;
      case 'kill-agent-passive':
        await procFault(passive, 'whmcs-ha-agent', 'SIGKILL', false);
        break;
      case 'kill-coordinator-leader':
      case 'stop-coordinator-leader':
        if (!leader) throw new Error(`cannot inject ${kind}: no leader`);
        await procFault(leader, 'whmcs-ha-coordinator', kind.startsWith('kill') ? 'SIGKILL' : 'SIGSTOP', false);
        break;
      case 'kill-coordinator-follower':
      case 'stop-coordinator-follower':
        await procFault(pick(followers), 'whmcs-ha-coordinator', kind.startsWith('kill') ? 'SIGKILL' : 'SIGSTOP', false);
        break;
      case 'partition-active-from-everyone':
        for (const o of others(active)) {
          await drop(ns(active), 'INPUT', ['-s', addr(o)]);
          await drop(ns(active), 'OUTPUT', ['-d', addr(o)]);
        }
        description = `iptables in ${ns(active)}: ${active} cut from ${others(active).join(', ')} both ways`;
        break;
      case 'partition-active-from-coordinators':
        // only the agent's streams (coordinator port); the LB and its probes still reach the node
        for (const c of coordinators) await drop(ns(active), 'OUTPUT', ['-d', addr(c), '-p', 'tcp', '--dport', port]);
        description = `iptables in ${ns(active)}: tcp to port ${port} of ${coordinators.join(', ')} dropped (the agent cannot report)`;
        break;
      case 'partition-lb-from-active':
        host = 'lb1';
        await drop(ns('lb1'), 'INPUT', ['-s', addr(active)]);
        await drop(ns('lb1'), 'OUTPUT', ['-d', addr(active)]);
        description = `iptables in ${ns('lb1')}: lb1 cut from ${active} both ways`;
        break;
      case 'partition-leader-from-followers':
      case 'one-way-leader-to-followers-dropped':
        if (!leader) throw new Error(`cannot inject ${kind}: no leader`);
        host = leader;
        for (const f of followers) {
          await drop(ns(leader), 'OUTPUT', ['-d', addr(f), '-p', 'tcp', '--dport', port]);
          if (kind === 'partition-leader-from-followers') await drop(ns(leader), 'INPUT', ['-s', addr(f), '-p', 'tcp', '--dport', port]);
        }
        description =
          kind === 'partition-leader-from-followers'
            ? `iptables in ${ns(leader)}: coordinator traffic between leader ${leader} and ${followers.join(', ')} dropped both ways`
            : `iptables in ${ns(leader)}: leader ${leader} cannot send to ${followers.join(', ')} (they can still send to it)`;
        break;
      case 'one-way-active-to-lb-dropped':
        await drop(ns(active), 'OUTPUT', ['-d', addr('lb1')]);
        description = `iptables in ${ns(active)}: packets from ${active} to lb1 dropped (lb1's still arrive)`;
        break;
      case 'partial-active-from-peer-and-witness':
        for (const o of [passive, 'witness']) {
          await drop(ns(active), 'INPUT', ['-s', addr(o)]);
          await drop(ns(active), 'OUTPUT', ['-d', addr(o)]);
        }
        description = `iptables in ${ns(active)}: ${active} cut from ${passive} and witness, still reaches lb1`;
        break;
    }
    for (const [netns, rules] of byNetns(undo.rules ?? [])) await this.iptables(netns, '-I', rules);
    const fault: Fault = {
      n,
      kind,
      host,
      description,
      activeAtInjection: active,
      leaderAtInjection: leader,
      impairsActive: IMPAIRING.has(kind),
      injectedAt: nowMs(),
      healedAt: null,
      settledAt: null,
      stuck: null,
      operatorActions: [],
      lostOnActive: null,
    };
    this.faults.push(fault);
    this.current = { fault, undo };
    this.log(`fault ${n}: ${kind}: ${description}`);
    return fault;
  }

  /** Undoes the current fault: SIGCONT, restart with the recorded argv (keeping data), or delete the rules. */
  async heal(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    const { undo, fault } = cur;
    for (const p of undo.cont ?? []) {
      try {
        process.kill(p, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    for (const r of undo.restart ?? []) {
      // the killed processes must be gone (php-fpm's workers too) before the daemon starts again
      const t0 = Date.now();
      while (r.pids.some((p) => isAlive(p)) && Date.now() - t0 < 15_000) await new Promise((res) => setTimeout(res, 100));
      await restartDaemon(this.layout, r.host, r.proc);
    }
    for (const [netns, rules] of byNetns(undo.rules ?? [])) await this.iptables(netns, '-D', rules);
    fault.healedAt = nowMs();
    this.current = null;
    this.log(`fault ${fault.n}: healed`);
  }

  /** Removes every rule this harness may have left (an interrupted run) from the lab's namespaces. */
  async cleanup(): Promise<void> {
    await this.heal().catch((e: Error) => this.log(`heal failed during cleanup: ${e.message}`));
    for (const h of this.layout.hosts) {
      let rules: string;
      try {
        rules = (await run(['ip', 'netns', 'exec', h.netns, 'iptables', '-w', '-S'], { timeoutMs: 10_000 })).stdout;
      } catch {
        continue; // namespace gone
      }
      for (const line of rules.split('\n')) {
        if (!line.includes(COMMENT) || !line.startsWith('-A ')) continue;
        await run(['ip', 'netns', 'exec', h.netns, 'iptables', '-w', '-D', ...line.slice(3).split(' ')], { timeoutMs: 10_000 }).catch(() => undefined);
      }
    }
  }
}
