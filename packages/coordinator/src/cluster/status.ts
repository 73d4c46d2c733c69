import type { ClusterStatus, LbView } from '@whmcs-ha/shared';
import type { ClusterState } from '../engine/cluster-state.js';
import type { DecideResult } from '../engine/decision.js';
import { agentProblem, reportAge, type EngineConfig, type NodeObservation } from '../engine/node-health.js';

// declared once, in packages/shared/src/status.ts; re-exported so that coordinator.ts keeps its import
export type { ClusterStatus };

/** This coordinator's Raft view, from which the status's leader and coordinators are built (not itself in the status). */
export interface RaftView {
  id: string;
  role: string;
  term: number;
  commitIndex: number;
  leaderId: string | null;
  leaseValid: boolean;
  peers: Array<{ id: string; matchIndex: number; reachable: boolean; lastContactMs: number | null }>;
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

