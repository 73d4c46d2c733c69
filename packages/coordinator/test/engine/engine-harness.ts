import type { Report } from '@whmcs-ha/shared';
import { applyEntry, initialState, lbTargets, type ClusterState, type Entry } from '../../src/engine/cluster-state.js';
import { decide } from '../../src/engine/decide.js';
import type { Decision } from '../../src/engine/decision.js';
import { track, type EngineConfig, type NodeObservation, type NodeTracker } from '../../src/engine/node-health.js';
import { proposalFor } from '../../src/engine/proposal.js';

/**
 * Drives decide() through time for scenario files. It plays the parts the
 * real coordinator plays around the pure engine: it feeds reports, commits the
 * proposed entries, and stands in for the agents carrying out commands
 * (read_only flips, syncs finish) unless a scenario says a command fails.
 */

export function healthyReport(node: string, serverId: number): Report {
  return {
    node,
    seq: 0,
    sentAtMs: 0,
    highestEpoch: 0,
    installPath: '/var/www/whmcs',
    whmcs: null,
    leaseEpoch: 0,
    leaseExpiresAtMs: 0,
    mysql: {
      up: true,
      latencyMs: 1,
      error: '',
      readOnly: true,
      superReadOnly: false,
      serverId,
      flavour: 'mariadb',
      version: '10.11.6-MariaDB',
      gtidExecuted: '1-1-100,2-2-10',
      gtidRetrieved: '',
      replica: {
        configured: true,
        ioRunning: true,
        sqlRunning: true,
        secondsBehind: 0,
        lastIoErrno: 0,
        lastIoError: '',
        lastSqlErrno: 0,
        lastSqlError: '',
        sourceHost: '',
        sourcePort: 3306,
        ioState: 'Waiting for master to send event',
      },
      semiSync: { primaryEnabled: true, replicaEnabled: true, primaryStatus: true, replicaStatus: true, primaryClients: 1 },
      binlogFormat: 'ROW',
      logSlaveUpdates: true,
      autoIncrementIncrement: 2,
      autoIncrementOffset: serverId,
      gtidMode: true,
    },
    phpFpm: {
      up: true,
      latencyMs: 1,
      error: '',
      pool: 'www',
      acceptedConn: 1,
      listenQueue: 0,
      activeProcesses: 1,
      idleProcesses: 1,
      totalProcesses: 2,
      maxChildrenReached: 0,
      slowRequests: 0,
      pingPath: '/fpm-ping',
      statusPath: '/fpm-status',
      pingOk: true,
      statusOk: true,
    },
    http: { up: true, status: 200, latencyMs: 1, error: '' },
    files: { rootDigest: 'd0', fileCount: 10, totalBytes: 1000, scannedAtMs: 0, error: '', ready: true },
  };
}

function setPath(obj: Record<string, unknown>, path: string, raw: string): void {
  const keys = path.split('.');
  let cur: Record<string, unknown> = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== 'object' || next === null) throw new Error(`no field ${path}`);
    cur = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (!(last in cur)) throw new Error(`no field ${path}`);
  const old = cur[last];
  cur[last] = typeof old === 'boolean' ? raw === 'true' : typeof old === 'number' ? Number(raw) : raw;
}

function kv(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const i = a.indexOf('=');
    if (i < 0) throw new Error(`expected key=value, got ${a}`);
    out[a.slice(0, i)] = a.slice(i + 1);
  }
  return out;
}

/** The engine settings scenarios start from (two nodes of equal priority). */
export function testEngineConfig(): EngineConfig {
  return {
    mode: 'active-passive',
    nodes: [
      { name: 'web001', priority: 100 },
      { name: 'web002', priority: 100 },
    ],
    failureThresholdMs: 3000,
    silentAfterMs: 2000,
    recoveryThreshold: 3,
    maxLagSeconds: 5,
    blockSeconds: 300,
    syncDebounceMs: 2000,
  };
}

export class EngineHarness {
  now = 0;
  state: ClusterState = initialState();
  cfg: EngineConfig = testEngineConfig();
  private reports = new Map<string, Report>();
  private silent = new Set<string>();
  private receivedAt = new Map<string, number>();
  private probes = new Map<string, boolean>();
  private peerSeen = new Map<string, NonNullable<NodeObservation['peerSeen']>>();
  private trackers: Record<string, NodeTracker> = {};
  private failing = new Set<string>();
  private ids = 0;

  constructor() {
    this.cfg.nodes.forEach((n, i) => this.reports.set(n.name, healthyReport(n.name, i + 1)));
  }

  private report(node: string): Report {
    const r = this.reports.get(node);
    if (!r) throw new Error(`unknown node ${node}`);
    return r;
  }

  private commit(e: Entry): void {
    this.state = applyEntry(this.state, e, { blockSeconds: this.cfg.blockSeconds });
  }

  run(commands: string[]): string[] {
    const out: string[] = [];
    for (const line of commands) {
      const [cmd, ...args] = line.trim().split(/\s+/);
      switch (cmd) {
        case 'config': {
          for (const [k, v] of Object.entries(kv(args))) {
            if (k === 'mode') this.cfg.mode = v as EngineConfig['mode'];
            else if (k === 'initialActive') this.cfg.initialActive = v;
            else if (k === 'priority') {
              const [node, p] = v.split(':');
              this.cfg.nodes.find((n) => n.name === node)!.priority = Number(p);
            } else (this.cfg as unknown as Record<string, number>)[k] = Number(v);
          }
          out.push('ok');
          break;
        }
        case 'state': {
          const o = kv(args);
          const active = o.active ?? null;
          this.commit({ type: 'init', at: this.now, mode: (o.mode as EngineConfig['mode']) ?? this.cfg.mode, active, serving: o.serving ? o.serving.split(',') : active ? [active] : [] });
          if (o.epoch) this.state = { ...this.state, epoch: Number(o.epoch) };
          if (active) this.report(active).mysql!.readOnly = false;
          if (this.state.mode === 'active-active') for (const n of this.state.serving) this.report(n).mysql!.readOnly = false;
          out.push(this.stateLine());
          break;
        }
        case 'report': {
          const [node, ...rest] = args;
          const r = this.report(node!);
          for (const [k, v] of Object.entries(kv(rest))) {
            if (k === 'silent') {
              if (v === 'true') this.silent.add(node!);
              else this.silent.delete(node!);
            } else setPath(r as unknown as Record<string, unknown>, k, v);
          }
          out.push('ok');
          break;
        }
        case 'probe': {
          const [node, v] = args;
          this.probes.set(node!, v === 'up');
          out.push('ok');
          break;
        }
        case 'peer': {
          // `peer <node> by=<coordinator> gtid=<set> semiSyncOff=true|false`: a peer coordinator's report of the node, now
          // (the peer keeps hearing the node: its report is renewed every cycle, like the leader's own)
          const [node, ...rest] = args;
          const o = kv(rest);
          if (rest[0] === 'none') this.peerSeen.delete(node!);
          else this.peerSeen.set(node!, { at: this.now, by: o.by ?? 'a peer', gtidExecuted: o.gtid ?? '', semiSyncOff: o.semiSyncOff === 'true' });
          out.push('ok');
          break;
        }
        case 'fail': {
          // `fail <step-or-command>` makes the stand-in executor fail it from now on; `fail none` clears
          if (args[0] === 'none') this.failing.clear();
          else this.failing.add(args[0]!);
          out.push('ok');
          break;
        }
        case 'operator': {
          const [what, node, on] = args;
          if (what === 'maintenance') this.commit({ type: 'maintenance', at: this.now, node: node!, on: on === 'on' });
          else if (what === 'pause') this.commit({ type: 'pause', at: this.now, on: true, reason: 'operator' });
          else if (what === 'resume') this.commit({ type: 'pause', at: this.now, on: false, reason: '' });
          else if (what === 'ack') this.commit({ type: 'ack', at: this.now, by: 'operator' });
          else throw new Error(`unknown operator action ${what}`);
          out.push(this.stateLine());
          break;
        }
        case 'tick': {
          const o = kv(args);
          const step = Number(o.ms ?? 1000);
          const times = Number(o.n ?? 1);
          for (let i = 0; i < times; i++) out.push(...this.cycle(step));
          break;
        }
        default:
          throw new Error(`unknown command ${cmd}`);
      }
    }
    return out;
  }

  private observations(): NodeObservation[] {
    return this.cfg.nodes.map((n) => {
      const probe = this.probes.get(n.name);
      return {
        name: n.name,
        report: this.reports.get(n.name) ?? null,
        receivedAt: this.receivedAt.get(n.name) ?? null,
        probe: probe === undefined ? null : { up: probe, at: this.now, error: probe ? '' : 'connection refused' },
        peerSeen: this.peerSeen.get(n.name) ?? null,
      };
    });
  }

  private cycle(step: number): string[] {
    this.now += step;
    for (const n of this.cfg.nodes) {
      if (this.silent.has(n.name)) continue;
      const r = this.report(n.name);
      r.seq += 1;
      this.receivedAt.set(n.name, this.now);
    }
    for (const p of this.peerSeen.values()) p.at = this.now;
    const nodes = this.observations();
    this.trackers = track(this.trackers, nodes, this.cfg, this.now, this.state.fileSource?.digest ?? null);
    const before = this.stateLine();
    const historyBefore = this.state.history.length;
    const res = decide({ state: this.state, nodes, trackers: this.trackers }, this.cfg, this.now);
    const lines = [`t=${this.now / 1000}s ${res.sentence}`];
    for (const w of res.warnings) lines.push(`  warning: ${w}`);
    for (const d of res.decisions) this.execute(d, lines);
    for (const ev of this.state.history.slice(historyBefore)) lines.push(`  event: ${ev.text}`);
    const after = this.stateLine();
    if (after !== before) lines.push(`  ${after}`);
    return lines;
  }

  private execute(d: Decision, lines: string[]): void {
    const entry = proposalFor(d, this.now, () => `op${++this.ids}`);
    if (entry) this.commit(entry);
    switch (d.kind) {
      case 'fence':
        this.report(d.node).mysql!.readOnly = true;
        break;
      case 'make-writable':
        this.report(d.node).mysql!.readOnly = false;
        break;
      case 'continue': {
        if (this.failing.has(d.step)) {
          lines.push(`  step ${d.step} failed`);
          this.commit({ type: 'op-abort', at: this.now, id: d.opId, reason: `step ${d.step} failed`, pause: true });
          break;
        }
        if (d.step === 'fence' && d.from && !this.silent.has(d.from)) this.report(d.from).mysql!.readOnly = true;
        if (d.step === 'promote') this.report(d.to).mysql!.readOnly = false;
        if (d.step === 'detach') this.report(d.to).mysql!.replica!.ioRunning = false;
        const fencedGtid = d.step === 'fence' && d.from ? this.report(d.from).mysql!.gtidExecuted : null;
        this.commit({ type: 'op-step-done', at: this.now, id: d.opId, step: d.step, fencedGtid });
        break;
      }
      case 'rejoin':
        this.commit({ type: 'rejoin', at: this.now, node: d.node });
        break;
      case 'sync-files': {
        const order = this.state.syncOrders[d.target];
        if (!order) break;
        const ok = !this.failing.has('sync');
        if (ok) this.report(d.target).files!.rootDigest = d.digest;
        this.commit({ type: 'sync-done', at: this.now, id: order.id, target: d.target, ok, error: ok ? '' : 'rsync exited 23' });
        break;
      }
      default:
        break;
    }
  }

  stateLine(): string {
    const s = this.state;
    const parts = [`state: epoch=${s.epoch}`];
    if (s.mode === 'active-passive') parts.push(`active=${s.active ?? '-'}`);
    else parts.push(`serving=${s.serving.join(',') || '-'}`);
    parts.push(`lb=${lbTargets(s).join(',') || '-'}`);
    if (s.operation) parts.push(`op=${s.operation.kind}:${s.operation.step}`);
    if (s.paused) parts.push('paused');
    if (s.blockedUntil !== null) parts.push(`blockedUntil=${s.blockedUntil / 1000}s`);
    if (s.maintenance.length) parts.push(`maintenance=${s.maintenance.join(',')}`);
    const ex = Object.keys(s.excluded);
    if (ex.length) parts.push(`excluded=${ex.join(',')}`);
    if (s.detached.length) parts.push(`detached=${s.detached.join(',')}`);
    return parts.join(' ');
  }
}
