import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '@whmcs-ha/shared';
import { explainNoCandidate, judgeCandidate, rankCandidates } from '../engine/candidates.js';
import type { ClusterState, Entry } from '../engine/cluster-state.js';
import { agentProblem, type EngineConfig, type NodeObservation } from '../engine/node-health.js';

export const operateRequestSchema = z
  .object({
    action: z.enum(['switchover', 'failover', 'maintenance', 'pause', 'resume', 'ack', 'sync']),
    node: z.string().max(63),
    force: z.boolean(),
    on: z.boolean(),
    reason: z.string().max(500),
  })
  .strict();

export type OperateRequest = z.infer<typeof operateRequestSchema>;

export type ActionPlan =
  | { ok: true; entries: Entry[]; message: string; warning?: string }
  | { ok: false; message: string };

/**
 * Checks an operator's request against the committed state and what the
 * leader sees, and turns it into the entries to commit. Pure: the control
 * service proposes the entries; the leader loop and executor do the rest.
 */
export function planOperatorAction(
  req: OperateRequest,
  state: ClusterState,
  nodes: NodeObservation[],
  cfg: EngineConfig,
  now: number,
  by: string,
): ActionPlan {
  const known = cfg.nodes.map((n) => n.name);
  const needNode = ['maintenance'].includes(req.action) || (req.action === 'switchover' && req.node !== '');
  if ((needNode || req.node) && !known.includes(req.node)) {
    throw new InputError('node', `unknown node "${req.node}" (known: ${known.join(', ')})`);
  }
  if (!state.initialized) return { ok: false, message: 'the cluster is not initialised yet (waiting for the first reports)' };
  const reason = req.reason || `requested by ${by}`;
  switch (req.action) {
    case 'pause':
      if (state.paused) return { ok: false, message: 'automation is already paused' };
      return { ok: true, entries: [{ type: 'pause', at: now, on: true, reason }], message: 'automation paused' };
    case 'resume':
      if (!state.paused) return { ok: false, message: 'automation is not paused' };
      return { ok: true, entries: [{ type: 'pause', at: now, on: false, reason }], message: 'automation resumed' };
    case 'ack':
      if (state.blockedUntil === null) return { ok: false, message: 'there is no anti-flapping block to lift' };
      return { ok: true, entries: [{ type: 'ack', at: now, by }], message: 'anti-flapping block lifted' };
    case 'maintenance': {
      const has = state.maintenance.includes(req.node);
      if (has === req.on) return { ok: false, message: `${req.node} is ${has ? 'already' : 'not'} in maintenance` };
      if (req.on && state.mode === 'active-passive' && state.active === req.node && !req.force) {
        const ranked = rankCandidates(nodes, req.node, state, cfg, now, 'switchover');
        if (!ranked[0]?.eligible) {
          return { ok: false, message: `${req.node} is the active and no node can take over (${explainNoCandidate(ranked)}); --force puts it in maintenance anyway` };
        }
      }
      return {
        ok: true,
        entries: [{ type: 'maintenance', at: now, node: req.node, on: req.on }],
        message: `${req.node} ${req.on ? 'enters' : 'leaves'} maintenance${req.on && state.active === req.node ? '; a switchover away from it follows' : ''}`,
      };
    }
    case 'switchover':
    case 'failover': {
      if (state.mode !== 'active-passive') return { ok: false, message: `${req.action} applies to active-passive mode; this cluster is ${state.mode}` };
      if (state.operation) return { ok: false, message: `a ${state.operation.kind} to ${state.operation.to} is in progress (step ${state.operation.step})` };
      const from = state.active;
      if (req.node && req.node === from) return { ok: false, message: `${req.node} is already the active` };
      if (req.action === 'switchover') {
        if (!from) return { ok: false, message: 'there is no active node to switch over from; use failover' };
        const fromObs = nodes.find((n) => n.name === from);
        const problem = fromObs ? agentProblem(fromObs, cfg, now) : 'no report';
        if (problem) return { ok: false, message: `${from} is unhealthy (${problem}): a switchover needs it to fence itself; use failover` };
      } else {
        const fromObs = from ? nodes.find((n) => n.name === from) : undefined;
        const problem = fromObs ? agentProblem(fromObs, cfg, now) : 'no active';
        if (!problem && !req.force) return { ok: false, message: `${from} is healthy: use switchover (no writes lost), or failover --force` };
      }
      const purpose = req.action;
      let to = req.node;
      let warning: string | undefined;
      if (to) {
        const v = judgeCandidate(nodes.find((n) => n.name === to)!, state, cfg, now, purpose);
        if (!v.eligible) {
          if (!req.force) return { ok: false, message: `${to} cannot take over: ${v.reasons.join(', ')} (--force overrides)` };
          warning = `forced onto ${to} although ${v.reasons.join(', ')}`;
        }
      } else {
        const ranked = rankCandidates(nodes, from, state, cfg, now, purpose);
        if (!ranked[0]?.eligible) {
          return { ok: false, message: `no node can take over (${explainNoCandidate(ranked)})` };
        }
        to = ranked[0].name;
      }
      return {
        ok: true,
        entries: [{ type: 'op-begin', at: now, id: randomUUID(), kind: req.action, from, to, reason, automatic: false, force: req.force }],
        message: `${req.action} from ${from ?? '(none)'} to ${to} started at epoch ${state.epoch + 1}`,
        ...(warning ? { warning } : {}),
      };
    }
    case 'sync': {
      const source = state.mode === 'active-passive' ? state.active : state.fileSource?.node;
      if (!source) return { ok: false, message: 'there is no file source (no active node)' };
      const digest = state.fileSource?.digest ?? nodes.find((n) => n.name === source)?.report?.files?.rootDigest ?? '';
      const targets = (req.node ? [req.node] : known).filter((n) => n !== source && !state.syncOrders[n]);
      if (req.node === source) return { ok: false, message: `${source} is the file source itself` };
      if (targets.length === 0) return { ok: false, message: 'a sync is already running for every target' };
      return {
        ok: true,
        entries: targets.map((target) => ({ type: 'sync-order' as const, at: now, id: randomUUID(), target, source, digest })),
        message: `sync of ${targets.join(', ')} from ${source} ordered`,
      };
    }
  }
}
