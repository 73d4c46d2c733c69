import type { Entry } from './cluster-state.js';
import type { Decision } from './decision.js';

/**
 * The Raft entry a decision commits before anything is executed (intent
 * first), or null when the decision is carried out by commands alone
 * (fence, make-writable) or needs its commands to succeed first (rejoin,
 * continue: their entries are proposed by the executor afterwards).
 */
export function proposalFor(d: Decision, at: number, newId: () => string): Entry | null {
  switch (d.kind) {
    case 'init':
      return { type: 'init', at, mode: d.mode, active: d.active, serving: d.serving };
    case 'failover':
    case 'switchover':
      return {
        type: 'op-begin',
        at,
        id: newId(),
        kind: d.kind,
        from: d.from === '(none)' ? null : d.from,
        to: d.to,
        reason: d.reason,
        automatic: true,
        force: false,
      };
    case 'exclude':
      return { type: 'exclude', at, node: d.node, reason: d.reason, errant: d.errant };
    case 'file-source':
      return { type: 'file-source', at, node: d.node, digest: d.digest };
    case 'sync-files':
      if (d.orderId) return null;
      return { type: 'sync-order', at, id: newId(), target: d.target, source: d.source, digest: d.digest };
    case 'serve':
    case 'drain':
      return { type: 'serving', at, node: d.node, on: d.kind === 'serve', reason: d.reason };
    case 'none':
    case 'continue':
    case 'fence':
    case 'make-writable':
    case 'rejoin':
      return null;
  }
}
