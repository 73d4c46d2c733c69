import type { Mode, OpKind, OpStep } from './cluster-state.js';

/** Decisions as data: decide() returns them, executors carry them out. */
export type Decision =
  | { kind: 'none'; reason: string }
  | { kind: 'init'; mode: Mode; active: string | null; serving: string[]; reason: string }
  | { kind: 'failover'; from: string; to: string; reason: string }
  | { kind: 'switchover'; from: string; to: string; reason: string }
  | { kind: 'continue'; opId: string; op: OpKind; step: OpStep; from: string | null; to: string; epoch: number }
  | { kind: 'fence'; node: string; epoch: number; reason: string }
  | { kind: 'make-writable'; node: string; epoch: number }
  | { kind: 'rejoin'; node: string; active: string }
  | { kind: 'exclude'; node: string; errant: string; reason: string }
  | { kind: 'file-source'; node: string; digest: string }
  | { kind: 'sync-files'; target: string; source: string; digest: string; orderId: string | null }
  | { kind: 'serve'; node: string; reason: string }
  | { kind: 'drain'; node: string; reason: string };

export interface DecideResult {
  decisions: Decision[];
  /** one human-readable sentence for the cycle, logged and asserted in tests */
  sentence: string;
  warnings: string[];
}

export function describe(d: Decision): string {
  switch (d.kind) {
    case 'none':
      return `no action: ${d.reason}`;
    case 'init':
      return `initialise the cluster in ${d.mode} mode${d.active ? ` with ${d.active} active` : ` serving ${d.serving.join(', ') || 'nothing'}`}: ${d.reason}`;
    case 'failover':
      return `fail over from ${d.from} to ${d.to}: ${d.reason}`;
    case 'switchover':
      return `switch over from ${d.from} to ${d.to}: ${d.reason}`;
    case 'continue':
      return `${d.op} from ${d.from ?? '(none)'} to ${d.to} at epoch ${d.epoch}: run step ${d.step}`;
    case 'fence':
      return `make ${d.node} read-only at epoch ${d.epoch}: ${d.reason}`;
    case 'make-writable':
      return `make ${d.node} writable at epoch ${d.epoch}`;
    case 'rejoin':
      return `rejoin ${d.node} as passive of ${d.active}: no errant transactions`;
    case 'exclude':
      return `keep ${d.node} out: ${d.reason}`;
    case 'file-source':
      return `record ${d.node}'s file digest ${d.digest.slice(0, 12)} as the file source`;
    case 'sync-files':
      return d.orderId ? `keep syncing files of ${d.target} from ${d.source}` : `sync files of ${d.target} from ${d.source}`;
    case 'serve':
      return `readmit ${d.node} to the serving set: ${d.reason}`;
    case 'drain':
      return `remove ${d.node} from the serving set: ${d.reason}`;
  }
}

/** One sentence for the cycle: the decisions that act, in order, or the reason nothing does. */
export function sentenceOf(decisions: Decision[]): string {
  return decisions.map(describe).join('; ');
}
