import type { MysqlState, Report } from '@whmcs-ha/shared';

/** What the leader sees of one node this cycle: the agent's latest report and the other evidence. */
export interface NodeObservation {
  name: string;
  report: Report | null;
  /** when the report arrived at this coordinator (its own clock) */
  receivedAt: number | null;
  /** the leader's own HTTP probe of the node (holistic detection); null when not probed */
  probe: { up: boolean; at: number; error: string } | null;
  /**
   * The node's semi-sync state as the other coordinators last saw it (their reports, from their Peer
   * service): a leader cut off from the active must still learn that its semi-sync fell back to async.
   */
  peerSeen?: PeerSeen | null;
}

/** One peer coordinator's latest report of a node with MySQL up: when it arrived (leader's clock) and what it said. */
export interface PeerSeen {
  at: number;
  by: string;
  gtidExecuted: string;
  semiSyncOff: boolean;
}

/** Leader-local memory across cycles; not replicated (a new leader starts counting afresh, which only delays). */
export interface NodeTracker {
  /** since when the agent has been silent or reporting MySQL/PHP-FPM down */
  agentBadSince: number | null;
  /** since when any evidence (agent or probe) has said the node is unhealthy */
  unhealthySince: number | null;
  healthyStreak: number;
  lastSeq: number;
  driftSince: number | null;
  /**
   * From the node's last report with MySQL up: its executed GTIDs, and whether semi-sync had fallen
   * back to async then (enabled but off), in which case it may have acknowledged writes no replica has.
   */
  lastUp?: { at: number; by: string; gtidExecuted: string; semiSyncOff: boolean } | null;
}

export interface EngineConfig {
  mode: 'active-passive' | 'active-active';
  initialActive?: string | undefined;
  nodes: Array<{ name: string; priority: number }>;
  failureThresholdMs: number;
  /** an agent that has not reported for this long counts as silent */
  silentAfterMs: number;
  recoveryThreshold: number;
  maxLagSeconds: number;
  blockSeconds: number;
  syncDebounceMs: number;
}

/** Semi-sync is enabled on the primary but has fallen back to async: it may have acknowledged writes no replica has. */
export function semiSyncFellBack(m: MysqlState): boolean {
  return Boolean(m.semiSync?.primaryEnabled && !m.semiSync.primaryStatus);
}

export function reportAge(o: NodeObservation, now: number): number | null {
  return o.receivedAt === null ? null : Math.max(0, now - o.receivedAt);
}

export function isSilent(o: NodeObservation, cfg: EngineConfig, now: number): boolean {
  const age = reportAge(o, now);
  return o.report === null || age === null || age > cfg.silentAfterMs;
}

/** Why the agent's own view says the node is unhealthy, or null when it is healthy (or silent). */
export function reportedProblem(o: NodeObservation): string | null {
  const r = o.report;
  if (!r) return null;
  if (!r.mysql?.up) return `MySQL is down${r.mysql?.error ? ` (${r.mysql.error})` : ''}`;
  if (!r.phpFpm?.up) return `PHP-FPM is down${r.phpFpm?.error ? ` (${r.phpFpm.error})` : ''}`;
  return null;
}

/** The agent side of the evidence: silent, or reporting MySQL/PHP-FPM down. */
export function agentProblem(o: NodeObservation, cfg: EngineConfig, now: number): string | null {
  if (isSilent(o, cfg, now)) {
    const age = reportAge(o, now);
    return age === null ? 'its agent has never reported' : `its agent is silent for ${(age / 1000).toFixed(1)}s`;
  }
  return reportedProblem(o);
}

export function isHealthy(o: NodeObservation, cfg: EngineConfig, now: number): boolean {
  return agentProblem(o, cfg, now) === null;
}

/** Updates the per-node trackers for one cycle (pure). */
export function track(
  prev: Record<string, NodeTracker>,
  nodes: NodeObservation[],
  cfg: EngineConfig,
  now: number,
  sourceDigest: string | null,
): Record<string, NodeTracker> {
  const out: Record<string, NodeTracker> = {};
  for (const o of nodes) {
    const p = prev[o.name] ?? { agentBadSince: null, unhealthySince: null, healthyStreak: 0, lastSeq: -1, driftSince: null };
    const agentBad = agentProblem(o, cfg, now) !== null;
    const bad = agentBad || (o.probe !== null && !o.probe.up);
    const seq = o.report?.seq ?? -1;
    const fresh = seq !== p.lastSeq;
    const digest = o.report?.files?.ready ? o.report.files.rootDigest : null;
    const drifted = sourceDigest !== null && digest !== null && digest !== sourceDigest;
    const m = o.report?.mysql;
    let lastUp = p.lastUp ?? null;
    if (fresh && m?.up) {
      const at = o.receivedAt ?? now;
      if (!lastUp || at >= lastUp.at) lastUp = { at, by: 'its agent', gtidExecuted: m.gtidExecuted, semiSyncOff: semiSyncFellBack(m) };
    }
    // a peer's newer report wins: it may be the only one that still hears the node
    const peer = o.peerSeen;
    if (peer && (!lastUp || peer.at > lastUp.at)) lastUp = { at: peer.at, by: peer.by, gtidExecuted: peer.gtidExecuted, semiSyncOff: peer.semiSyncOff };
    out[o.name] = {
      // a silent agent has been failing since its last report, not since we noticed: the threshold
      // counts from there (isolation was detected silentAfterMs + failureThresholdMs late)
      agentBadSince: agentBad ? (p.agentBadSince ?? (isSilent(o, cfg, now) && o.receivedAt !== null ? Math.min(now, o.receivedAt) : now)) : null,
      unhealthySince: bad ? (p.unhealthySince ?? now) : null,
      healthyStreak: bad ? 0 : fresh ? p.healthyStreak + 1 : p.healthyStreak,
      lastSeq: seq,
      driftSince: drifted ? (p.driftSince ?? now) : null,
      lastUp,
    };
  }
  return out;
}
