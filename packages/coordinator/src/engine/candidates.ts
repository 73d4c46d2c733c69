import { gtidSize, gtidTextContains, parseGtidSet } from '@whmcs-ha/shared';
import type { ClusterState } from './cluster-state.js';
import { agentProblem, type EngineConfig, type NodeObservation } from './node-health.js';

export interface CandidateVerdict {
  name: string;
  eligible: boolean;
  /** why not, in words for status output; empty when eligible */
  reasons: string[];
  priority: number;
  gtidSize: number;
}

export type CandidatePurpose = 'failover' | 'switchover';

/**
 * DESIGN §6 candidate rules. For a failover the IO thread may be broken (its
 * source is the failed active); for a planned switchover it must run. The relay
 * log must be applied for a failover only (a switchover's catch-up step waits).
 */
export function judgeCandidate(
  o: NodeObservation,
  state: ClusterState,
  cfg: EngineConfig,
  now: number,
  purpose: CandidatePurpose,
): CandidateVerdict {
  const reasons: string[] = [];
  const priority = cfg.nodes.find((n) => n.name === o.name)?.priority ?? 0;
  const problem = agentProblem(o, cfg, now);
  if (problem) reasons.push(problem);
  if (o.probe && !o.probe.up) reasons.push(`the LB probe fails (${o.probe.error || 'down'})`);
  if (state.maintenance.includes(o.name)) reasons.push('it is in maintenance');
  const ex = state.excluded[o.name];
  if (ex) reasons.push(`it is kept out: ${ex.reason}`);
  else if (state.detached.includes(o.name)) reasons.push('it has not rejoined since the failover away from it');
  const m = o.report?.mysql;
  let size = 0;
  if (m && m.up) {
    const rep = m.replica;
    if (!rep || !rep.configured) reasons.push('it has no replication configured');
    else {
      if (!rep.sqlRunning) reasons.push('its SQL thread is stopped');
      if (rep.lastSqlErrno !== 0) reasons.push(`its SQL thread failed with error ${rep.lastSqlErrno}: ${rep.lastSqlError}`);
      if (purpose === 'switchover' && !rep.ioRunning) reasons.push('its IO thread is not running');
      if (purpose === 'switchover' && rep.lastIoErrno !== 0) reasons.push(`its IO thread failed with error ${rep.lastIoErrno}`);
      if (rep.secondsBehind > cfg.maxLagSeconds) reasons.push(`it lags ${rep.secondsBehind}s (max ${cfg.maxLagSeconds}s)`);
    }
    // A switchover's catch-up step waits for every GTID of the fenced old active anyway; under write
    // load a passive's report nearly always shows a few retrieved-but-not-yet-applied events, so
    // requiring an empty relay log here refused planned switchovers for no safety gain.
    if (purpose === 'failover' && m.gtidRetrieved && !gtidTextContains(m.gtidExecuted, m.gtidRetrieved)) {
      reasons.push('its relay log is not applied yet');
    }
    try {
      size = gtidSize(parseGtidSet(m.gtidExecuted));
    } catch {
      reasons.push(`its GTID position cannot be read: ${m.gtidExecuted}`);
    }
  }
  const src = state.fileSource;
  const files = o.report?.files;
  if (src && src.node !== o.name) {
    if (!files?.ready) reasons.push('its file manifest is not ready');
    else if (files.rootDigest !== src.digest) reasons.push(`its files differ from ${src.node}'s`);
  }
  return { name: o.name, eligible: reasons.length === 0, reasons, priority, gtidSize: size };
}

/** Eligible candidates first, best first: priority, then GTID position, then name for a stable order. */
export function rankCandidates(
  nodes: NodeObservation[],
  exclude: string | null,
  state: ClusterState,
  cfg: EngineConfig,
  now: number,
  purpose: CandidatePurpose,
): CandidateVerdict[] {
  return nodes
    .filter((o) => o.name !== exclude)
    .map((o) => judgeCandidate(o, state, cfg, now, purpose))
    .sort(
      (a, b) =>
        Number(b.eligible) - Number(a.eligible) ||
        b.priority - a.priority ||
        b.gtidSize - a.gtidSize ||
        a.name.localeCompare(b.name),
    );
}

export function explainNoCandidate(verdicts: CandidateVerdict[]): string {
  if (verdicts.length === 0) return 'no other node is configured';
  return verdicts.map((v) => `${v.name}: ${v.reasons.join(', ')}`).join('; ');
}
