import { gtidSubtract, gtidTextContains, parseGtidSet } from '@whmcs-ha/shared';
import { explainNoCandidate, rankCandidates } from './candidates.js';
import type { ClusterState } from './cluster-state.js';
import { sentenceOf, type DecideResult, type Decision } from './decision.js';
import {
  agentProblem,
  isHealthy,
  isSilent,
  reportAge,
  type EngineConfig,
  type NodeObservation,
  type NodeTracker,
} from './node-health.js';

export interface EngineSnapshot {
  state: ClusterState;
  nodes: NodeObservation[];
  trackers: Record<string, NodeTracker>;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * The decision engine: a pure function of what the leader sees. It never
 * performs I/O; state-changing decisions are proposed to Raft by the caller
 * and executed only once committed (DESIGN §3, §6).
 */
export function decide(snap: EngineSnapshot, cfg: EngineConfig, now: number): DecideResult {
  const warnings = collectWarnings(snap, cfg);
  const decisions = decideInner(snap, cfg, now);
  return { decisions, sentence: sentenceOf(decisions), warnings };
}

function decideInner(snap: EngineSnapshot, cfg: EngineConfig, now: number): Decision[] {
  const { state } = snap;
  if (!state.initialized) return [initialise(snap, cfg, now)];
  const op = state.operation;
  if (op) {
    return [{ kind: 'continue', opId: op.id, op: op.kind, step: op.step, from: op.from, to: op.to, epoch: op.epoch }];
  }
  if (state.paused) return [{ kind: 'none', reason: `automation is paused (${state.pausedReason ?? 'by an operator'})` }];
  return state.mode === 'active-passive' ? activePassive(snap, cfg, now) : activeActive(snap, cfg, now);
}

function byName(snap: EngineSnapshot, name: string | null): NodeObservation | undefined {
  return name === null ? undefined : snap.nodes.find((n) => n.name === name);
}

function initialise(snap: EngineSnapshot, cfg: EngineConfig, now: number): Decision {
  const reported = snap.nodes.filter((n) => !isSilent(n, cfg, now));
  if (reported.length < snap.nodes.length) {
    const missing = snap.nodes.filter((n) => isSilent(n, cfg, now)).map((n) => n.name);
    return { kind: 'none', reason: `waiting for first reports from ${missing.join(', ')} before initialising` };
  }
  const healthy = snap.nodes.filter((n) => isHealthy(n, cfg, now)).map((n) => n.name);
  if (cfg.mode === 'active-active') {
    return { kind: 'init', mode: cfg.mode, active: null, serving: healthy.sort(), reason: 'every healthy node serves' };
  }
  // A node already writable is the writer of a running cluster: adopt it, and wait for it rather than
  // start another writer beside it (which would need a switchover, not an initialisation).
  const writable = snap.nodes.filter((n) => n.report?.mysql?.up && !n.report.mysql.readOnly).map((n) => n.name);
  if (writable.length > 1) {
    return { kind: 'none', reason: `cannot initialise: ${writable.join(' and ')} are both writable; make all but one read-only` };
  }
  const adopted = writable[0];
  if (adopted) {
    if (healthy.includes(adopted)) return { kind: 'init', mode: cfg.mode, active: adopted, serving: [adopted], reason: 'it is already writable' };
    return { kind: 'none', reason: `waiting for ${adopted}, already writable, to be healthy before initialising` };
  }
  const wanted = cfg.initialActive;
  if (wanted && healthy.includes(wanted)) return { kind: 'init', mode: cfg.mode, active: wanted, serving: [wanted], reason: 'the configured initial active' };
  if (wanted) {
    // give the configured node the same grace a failing active gets before looking elsewhere
    const since = snap.trackers[wanted]?.unhealthySince ?? now;
    if (now - since < cfg.failureThresholdMs) {
      return { kind: 'none', reason: `waiting for ${wanted}, the configured initial active, to be healthy before initialising` };
    }
  }
  const byPriority = [...cfg.nodes].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const pick = byPriority.find((n) => healthy.includes(n.name))?.name;
  if (!pick) return { kind: 'none', reason: 'cannot initialise: no node is healthy' };
  return {
    kind: 'init',
    mode: cfg.mode,
    active: pick,
    serving: [pick],
    reason: wanted ? `highest priority healthy node (${wanted}, the configured initial active, is unhealthy)` : 'highest priority healthy node',
  };
}

/**
 * The other evidence of DESIGN §6. The leader's own HTTP probe through the
 * node's web server is decisive when there is one: if it still gets an answer
 * the node is serving, whatever its agent says (or fails to say). Without a
 * probe, the peers' replica IO threads tell whether MySQL is reachable.
 */
function evidenceAgainst(snap: EngineSnapshot, node: NodeObservation, cfg: EngineConfig, now: number): { confirmed: boolean; seenBy: string[] } {
  if (node.probe) {
    return node.probe.up ? { confirmed: false, seenBy: ['the LB probe'] } : { confirmed: true, seenBy: [] };
  }
  const seenBy: string[] = [];
  let against = false;
  for (const peer of snap.nodes) {
    if (peer.name === node.name || isSilent(peer, cfg, now)) continue;
    const rep = peer.report?.mysql?.up ? peer.report.mysql.replica : null;
    if (!rep?.configured) continue;
    if (rep.ioRunning && rep.lastIoErrno === 0) seenBy.push(`${peer.name}'s replica`);
    else against = true;
  }
  return { confirmed: against && seenBy.length === 0, seenBy };
}

function activePassive(snap: EngineSnapshot, cfg: EngineConfig, now: number): Decision[] {
  const { state } = snap;
  const out: Decision[] = [];
  const activeName = state.active;
  const active = byName(snap, activeName);

  // Invariant 1: at most one writable node. Any other writable node is fenced first.
  for (const n of snap.nodes) {
    const m = n.report?.mysql;
    if (n.name !== activeName && !isSilent(n, cfg, now) && m?.up && !m.readOnly) {
      out.push({ kind: 'fence', node: n.name, epoch: state.epoch, reason: `it is writable but ${activeName ?? 'no node'} is the active` });
    }
  }

  if (!active || !activeName) {
    const ranked = rankCandidates(snap.nodes, null, state, cfg, now, 'failover');
    const best = ranked[0];
    if (best?.eligible) out.push({ kind: 'failover', from: '(none)', to: best.name, reason: 'there is no active node' });
    else out.push({ kind: 'none', reason: `there is no active node and no candidate (${explainNoCandidate(ranked)})` });
    return out;
  }

  if (state.maintenance.includes(activeName)) {
    const ranked = rankCandidates(snap.nodes, activeName, state, cfg, now, 'switchover');
    const best = ranked[0];
    if (best?.eligible) out.push({ kind: 'switchover', from: activeName, to: best.name, reason: `${activeName} is in maintenance` });
    else out.push({ kind: 'none', reason: `${activeName} is in maintenance but no node can take over (${explainNoCandidate(ranked)})` });
    return out;
  }

  const problem = agentProblem(active, cfg, now);
  const tracker = snap.trackers[activeName];
  if (problem) {
    const since = tracker?.agentBadSince ?? now;
    const forMs = now - since;
    if (forMs < cfg.failureThresholdMs) {
      out.push({ kind: 'none', reason: `${activeName} is suspect (${problem}) for ${secs(forMs)} of ${secs(cfg.failureThresholdMs)}` });
      return out;
    }
    const ev = evidenceAgainst(snap, active, cfg, now);
    if (!ev.confirmed) {
      const who = ev.seenBy.length > 0 ? `${ev.seenBy.join(' and ')} still see${ev.seenBy.length > 1 ? '' : 's'} it` : 'no other evidence confirms it';
      out.push({ kind: 'none', reason: `${activeName}: ${problem}, but ${who}` });
      return out;
    }
    if (state.blockedUntil !== null && now < state.blockedUntil) {
      out.push({
        kind: 'none',
        reason: `${activeName} has failed (${problem}) but failover is blocked for ${secs(state.blockedUntil - now)} after the last one (whmcs-hactl ack lifts it)`,
      });
      return out;
    }
    const ranked = rankCandidates(snap.nodes, activeName, state, cfg, now, 'failover');
    const best = ranked[0];
    const risk = best?.eligible ? asyncRisk(tracker, byName(snap, best.name)) : null;
    if (risk) {
      out.push({
        kind: 'none',
        reason:
          `${activeName} has failed (${problem}) but semi-sync had fallen back to async at its last report (${risk.by}): ` +
          `it may have acknowledged writes ${best!.name} never received${risk.lacks ? ` (${best!.name} lacks ${risk.lacks.count} of them already: ${risk.lacks.text})` : ''}; ` +
          'a failover could lose them (whmcs-hactl failover --force overrides)',
      });
    } else if (best?.eligible) {
      out.push({ kind: 'failover', from: activeName, to: best.name, reason: `${activeName} failed: ${problem}, confirmed by other evidence` });
    } else {
      out.push({ kind: 'none', reason: `${activeName} has failed (${problem}) but no node can take over (${explainNoCandidate(ranked)})` });
    }
    return out;
  }

  // The LB has lost the active while its agent keeps reporting it healthy (a broken LB path): clients
  // are down, and the active can still be fenced, so a planned switchover (no write lost) moves the
  // writer. An isolated node looks the same to the LB for a moment, but its agent's last report is then
  // at least as old as the LB's failed probes (failureThresholdMs): that case waits for the failover rule.
  if (active.probe && !active.probe.up) {
    const since = tracker?.unhealthySince ?? now;
    const lbDown = `the LB cannot reach ${activeName} (${active.probe.error || 'down'})`;
    const age = reportAge(active, now) ?? Infinity;
    if (now - since < cfg.failureThresholdMs) {
      out.push({ kind: 'none', reason: `${lbDown} for ${secs(now - since)} of ${secs(cfg.failureThresholdMs)}` });
      return out;
    }
    if (age >= cfg.failureThresholdMs) {
      out.push({ kind: 'none', reason: `${lbDown} and its agent's last report is ${secs(age)} old: waiting to tell a broken LB path from a lost node` });
      return out;
    }
    if (state.blockedUntil !== null && now < state.blockedUntil) {
      out.push({ kind: 'none', reason: `${lbDown} but writer changes are blocked for ${secs(state.blockedUntil - now)} after the last failover (whmcs-hactl ack lifts it)` });
      return out;
    }
    const ranked = rankCandidates(snap.nodes, activeName, state, cfg, now, 'switchover');
    const best = ranked[0];
    if (best?.eligible) {
      out.push({ kind: 'switchover', from: activeName, to: best.name, reason: `${lbDown} for ${secs(now - since)}; ${activeName} itself is healthy` });
    } else {
      out.push({ kind: 'none', reason: `${lbDown} but no node can take over (${explainNoCandidate(ranked)})` });
    }
    return out;
  }

  if (active.report?.mysql?.readOnly) out.push({ kind: 'make-writable', node: activeName, epoch: state.epoch });

  const activeGtid = active.report?.mysql?.gtidExecuted ?? '';
  for (const n of snap.nodes) {
    if (n.name === activeName || isSilent(n, cfg, now) || !n.report?.mysql?.up) continue;
    const isDetached = state.detached.includes(n.name);
    const excluded = state.excluded[n.name];
    if (!isDetached && !excluded) continue;
    if (!n.report.mysql.readOnly) continue; // fenced first, above
    const errant = errantOf(n.report.mysql.gtidExecuted, activeGtid, active.report?.mysql?.serverId ?? -1);
    if (errant === null) continue;
    if (errant.count > 0) {
      // once kept out, only errant transactions it did not list before are news: re-proposing every
      // time the text moved with report skew wrote two Raft entries a second (chaos suite)
      if (!excluded || !gtidTextContains(excluded.errant, errant.text)) {
        out.push({ kind: 'exclude', node: n.name, errant: errant.text, reason: `${errant.count} errant transaction(s) not on ${activeName}: ${errant.text}` });
      }
    } else {
      out.push({ kind: 'rejoin', node: n.name, active: activeName });
    }
  }

  out.push(...fileDecisions(snap, cfg, now, activeName));

  if (out.length === 0) {
    const lag = snap.nodes
      .filter((n) => n.name !== activeName)
      .map((n) => passiveSummary(n, snap, cfg, now))
      .join('; ');
    out.push({ kind: 'none', reason: `${activeName} is active and healthy at epoch ${state.epoch}${lag ? `; ${lag}` : ''}` });
  }
  return out;
}

/**
 * DESIGN §4.5 holds only while semi-sync is on: once the active's semi-sync has timed out and fallen
 * back to async (its peer cut off, say), it acknowledges writes no replica has, and goes on doing so
 * after any report we hold. If its last report with MySQL up (to this coordinator or, read from their
 * status, to any other) says so, a failover may lose acknowledged writes: the engine does not do that
 * on its own. A later report with semi-sync back on (the replica caught up) lifts it.
 */
function asyncRisk(
  tracker: NodeTracker | undefined,
  candidate: NodeObservation | undefined,
): { by: string; lacks: { count: number; text: string } | null } | null {
  const last = tracker?.lastUp;
  if (!last?.semiSyncOff) return null;
  const m = candidate?.report?.mysql;
  let lacks: { count: number; text: string } | null = null;
  if (m) {
    try {
      const have = parseGtidSet([m.gtidExecuted, m.gtidRetrieved].filter(Boolean).join(','));
      const l = gtidSubtract(parseGtidSet(last.gtidExecuted, have.flavour), have);
      lacks = l.count > 0 ? l : null;
    } catch {
      lacks = null;
    }
  }
  return { by: last.by, lacks };
}

function passiveSummary(n: NodeObservation, snap: EngineSnapshot, cfg: EngineConfig, now: number): string {
  if (snap.state.maintenance.includes(n.name)) return `${n.name} is in maintenance`;
  if (snap.state.excluded[n.name]) return `${n.name} is kept out`;
  const p = agentProblem(n, cfg, now);
  if (p) return `${n.name} is unhealthy: ${p}`;
  return `${n.name} is a healthy passive`;
}

/**
 * Transactions the node has that the active lacks. Those the active wrote itself (MariaDB: GTIDs with
 * the active's server id) are left out: the node got them from the active, and "having more" only
 * means its report is newer than the active's (seen in the chaos suite under a steady write load).
 */
function errantOf(nodeGtid: string, activeGtid: string, activeServerId: number): { count: number; text: string } | null {
  try {
    const a = parseGtidSet(nodeGtid);
    for (const [domain, g] of a.domains) if (Number(g.server) === activeServerId) a.domains.delete(domain);
    return gtidSubtract(a, parseGtidSet(activeGtid, a.flavour));
  } catch {
    return null;
  }
}

function fileDecisions(snap: EngineSnapshot, cfg: EngineConfig, now: number, source: string): Decision[] {
  const out: Decision[] = [];
  const src = byName(snap, source);
  const files = src?.report?.files;
  if (!files?.ready || !isHealthy(src!, cfg, now)) return out;
  if (snap.state.fileSource?.node !== source || snap.state.fileSource.digest !== files.rootDigest) {
    out.push({ kind: 'file-source', node: source, digest: files.rootDigest });
    return out; // compare against the committed source only
  }
  // Orders already committed (by this or an earlier leader, or an operator) are carried on until done.
  for (const [target, order] of Object.entries(snap.state.syncOrders)) {
    out.push({ kind: 'sync-files', target, source: order.source, digest: order.digest, orderId: order.id });
  }
  for (const n of snap.nodes) {
    if (n.name === source || snap.state.syncOrders[n.name] || snap.state.excluded[n.name]) continue;
    if (!isHealthy(n, cfg, now)) continue;
    const since = snap.trackers[n.name]?.driftSince;
    if (since === null || since === undefined) continue;
    if (now - since >= cfg.syncDebounceMs) out.push({ kind: 'sync-files', target: n.name, source, digest: files.rootDigest, orderId: null });
  }
  return out;
}

function activeActive(snap: EngineSnapshot, cfg: EngineConfig, now: number): Decision[] {
  const { state } = snap;
  const out: Decision[] = [];
  const serving = new Set(state.serving);
  let remaining = state.serving.length;
  for (const n of snap.nodes) {
    const t = snap.trackers[n.name];
    if (serving.has(n.name)) {
      if (state.maintenance.includes(n.name)) {
        out.push({ kind: 'drain', node: n.name, reason: 'it is in maintenance' });
        remaining -= 1;
        continue;
      }
      const since = t?.unhealthySince ?? null;
      if (since !== null && now - since >= cfg.failureThresholdMs) {
        if (remaining <= 1) {
          out.push({ kind: 'none', reason: `${n.name} is unhealthy but it is the last serving node` });
          continue;
        }
        const why = agentProblem(n, cfg, now) ?? `the LB probe fails (${n.probe?.error || 'down'})`;
        out.push({ kind: 'drain', node: n.name, reason: `${why} for ${secs(now - since)}` });
        remaining -= 1;
      }
    } else if (!state.maintenance.includes(n.name) && !state.excluded[n.name]) {
      if (t && t.unhealthySince === null && t.healthyStreak >= cfg.recoveryThreshold) {
        out.push({ kind: 'serve', node: n.name, reason: `${t.healthyStreak} good reports in a row` });
      }
    }
  }
  for (const n of snap.nodes) {
    const m = n.report?.mysql;
    if (!m?.up || isSilent(n, cfg, now)) continue;
    const draining = out.some((d) => d.kind === 'drain' && d.node === n.name);
    if (serving.has(n.name) && !draining && m.readOnly) out.push({ kind: 'make-writable', node: n.name, epoch: state.epoch });
    if ((!serving.has(n.name) || draining) && !m.readOnly) {
      out.push({ kind: 'fence', node: n.name, epoch: state.epoch, reason: 'it is not in the serving set' });
    }
  }
  const first = [...state.serving].sort((a, b) => prio(cfg, b) - prio(cfg, a) || a.localeCompare(b))[0];
  if (first) out.push(...fileDecisions(snap, cfg, now, first));
  if (out.length === 0) {
    out.push({ kind: 'none', reason: `serving ${state.serving.join(', ') || 'nothing'} at epoch ${state.epoch}` });
  }
  return out;
}

function prio(cfg: EngineConfig, name: string): number {
  return cfg.nodes.find((n) => n.name === name)?.priority ?? 0;
}

/** Warnings do not change anything; they surface in the cycle log and status. */
function collectWarnings(snap: EngineSnapshot, cfg: EngineConfig): string[] {
  const warnings: string[] = [];
  if (snap.state.mode === 'active-active' || cfg.mode === 'active-active') {
    const seen = new Map<number, string>();
    for (const n of snap.nodes) {
      const m = n.report?.mysql;
      if (!m?.up) continue;
      const inc = m.autoIncrementIncrement;
      if (inc < snap.nodes.length) {
        warnings.push(`${n.name}: auto_increment_increment=${inc} is below the node count ${snap.nodes.length}: ids will collide`);
      }
      const slot = inc > 0 ? m.autoIncrementOffset % inc : m.autoIncrementOffset;
      const other = seen.get(slot);
      if (other) warnings.push(`${n.name} and ${other} share auto_increment_offset slot ${slot}: ids will collide`);
      else seen.set(slot, n.name);
    }
  }
  return warnings;
}

