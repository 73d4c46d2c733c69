import type { ClusterState } from '../engine/cluster-state.js';
import type { DecideResult } from '../engine/decision.js';
import { agentProblem, reportAge, type EngineConfig, type NodeObservation } from '../engine/node-health.js';

export interface LbView {
  coordinator: string;
  kind: string;
  /** the targets the LB was last written with; null before the first apply */
  applied: string[] | null;
  /** what committed state wants */
  wanted: string[];
  lastError: string | null;
  lastApplyMs: number | null;
}

export interface RaftView {
  id: string;
  role: string;
  term: number;
  commitIndex: number;
  leaderId: string | null;
  leaseValid: boolean;
  peers: Array<{ id: string; matchIndex: number; reachable: boolean; lastContactMs: number | null }>;
}

/** The status object of DESIGN §11 (a public contract: fields are only ever added). */
export interface ClusterStatus {
  mode: string;
  active: string | null;
  epoch: number;
  paused: boolean;
  pausedReason: string | null;
  blockedUntil: number | null;
  maintenance: string[];
  serving: string[];
  operation: ClusterState['operation'];
  excluded: ClusterState['excluded'];
  leader: { id: string | null; term: number };
  fromLeader: boolean;
  answeredBy: string;
  coordinators: Array<{ id: string; role: string; term: number | null; commitIndex: number | null; reachable: boolean }>;
  nodes: Array<{
    name: string;
    role: string;
    healthy: boolean;
    problem: string | null;
    lastReportAgeMs: number | null;
    mysql: {
      up: boolean;
      readOnly: boolean;
      ioRunning: boolean;
      sqlRunning: boolean;
      lagSeconds: number | null;
      gtidExecuted: string;
      /** 'on': commits wait for the replica's receipt; 'async': enabled but fallen back (timed out); 'off': not enabled */
      semiSync: 'on' | 'async' | 'off';
      serverId: number;
      lastError: string;
    };
    phpFpm: { up: boolean; activeProcesses: number; listenQueue: number };
    files: { digest: string; inSync: boolean | null; syncing: boolean };
    probe: { up: boolean; error: string } | null;
  }>;
  lastDecision: { at: number; sentence: string; warnings: string[] } | null;
  /** this coordinator's own load balancer, when it has one: what it serves and why it could not apply */
  lb: LbView | null;
  failoversTotal: number;
  lastFailover: ClusterState['lastFailover'];
}

export function nodeRole(s: ClusterState, name: string): string {
  if (!s.initialized) return 'unknown';
  if (s.excluded[name]) return 'excluded';
  if (s.mode === 'active-active') {
    if (s.maintenance.includes(name)) return 'maintenance';
    return s.serving.includes(name) ? 'serving' : 'drained';
  }
  if (s.operation?.to === name) return 'promoting';
  if (s.active === name) return 'active';
  if (s.maintenance.includes(name)) return 'maintenance';
  if (s.detached.includes(name)) return 'detached';
  return 'passive';
}

export function buildStatus(inp: {
  state: ClusterState;
  raft: RaftView;
  nodes: NodeObservation[];
  engine: EngineConfig;
  lastDecision: (DecideResult & { at: number }) | null;
  lb: LbView | null;
  now: number;
}): ClusterStatus {
  const { state: s, raft, now } = inp;
  const leaderId = raft.role === 'leader' ? raft.id : raft.leaderId;
  const coordinators = [
    { id: raft.id, role: raft.role, term: raft.term, commitIndex: raft.commitIndex, reachable: true },
    ...raft.peers
      .filter((p) => p.id !== raft.id)
      .map((p) => ({
        id: p.id,
        role: p.id === leaderId ? 'leader' : 'follower',
        term: p.reachable ? raft.term : null,
        commitIndex: raft.role === 'leader' ? p.matchIndex : null,
        reachable: p.reachable,
      })),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const source = s.fileSource;
  return {
    mode: s.initialized ? s.mode : inp.engine.mode,
    active: s.active,
    epoch: s.epoch,
    paused: s.paused,
    pausedReason: s.pausedReason,
    blockedUntil: s.blockedUntil,
    maintenance: s.maintenance,
    serving: s.serving,
    operation: s.operation,
    excluded: s.excluded,
    leader: { id: leaderId, term: raft.term },
    fromLeader: raft.role === 'leader',
    answeredBy: raft.id,
    coordinators,
    nodes: inp.nodes.map((o) => {
      const r = o.report;
      const m = r?.mysql;
      const problem = agentProblem(o, inp.engine, now) ?? (o.probe && !o.probe.up ? `the LB probe fails (${o.probe.error})` : null);
      const digest = r?.files?.ready ? r.files.rootDigest : '';
      return {
        name: o.name,
        role: nodeRole(s, o.name),
        healthy: problem === null,
        problem,
        lastReportAgeMs: reportAge(o, now),
        mysql: {
          up: Boolean(m?.up),
          readOnly: m?.readOnly ?? true,
          ioRunning: Boolean(m?.replica?.ioRunning),
          sqlRunning: Boolean(m?.replica?.sqlRunning),
          lagSeconds: m?.replica && m.replica.secondsBehind >= 0 ? m.replica.secondsBehind : null,
          gtidExecuted: m?.gtidExecuted ?? '',
          semiSync: !m?.semiSync?.primaryEnabled ? 'off' : m.semiSync.primaryStatus ? 'on' : 'async',
          serverId: m?.serverId ?? 0,
          lastError: m?.replica?.lastSqlError || m?.replica?.lastIoError || m?.error || '',
        },
        phpFpm: { up: Boolean(r?.phpFpm?.up), activeProcesses: r?.phpFpm?.activeProcesses ?? 0, listenQueue: r?.phpFpm?.listenQueue ?? 0 },
        files: {
          digest,
          inSync: source && digest ? digest === source.digest : null,
          syncing: Boolean(s.syncOrders[o.name]),
        },
        probe: o.probe ? { up: o.probe.up, error: o.probe.error } : null,
      };
    }),
    lastDecision: inp.lastDecision ? { at: inp.lastDecision.at, sentence: inp.lastDecision.sentence, warnings: inp.lastDecision.warnings } : null,
    lb: inp.lb,
    failoversTotal: s.failoversTotal,
    lastFailover: s.lastFailover,
  };
}

