/**
 * The replicated cluster state: what every coordinator agrees on because it
 * was applied from the Raft log. `applyEntry` is a pure reducer; the LB
 * writers and executors act only on what it produced (DESIGN §4, invariant 3).
 */
import type { ExcludedNode, HistoryEvent, LastFailover, StatusOperation } from '@whmcs-ha/shared';

export type Mode = 'active-passive' | 'active-active';
export type OpKind = 'failover' | 'switchover';

/** Steps of the two step machines, in order. Each is idempotent so a new leader can redo the current one. */
export const OP_STEPS = {
  failover: ['fence', 'catch-up', 'detach', 'promote', 'switch-lb'],
  switchover: ['fence', 'catch-up', 'promote', 'switch-lb'],
} as const satisfies Record<OpKind, readonly string[]>;

export type OpStep = (typeof OP_STEPS)[OpKind][number];

/**
 * A switchover or failover in progress. Its fields are declared once, by the
 * status contract it is shown in (packages/shared/src/status.ts); the engine
 * narrows kind and step to its step machines.
 */
export type Operation = Omit<StatusOperation, 'kind' | 'step'> & { kind: OpKind; step: OpStep };

export interface ClusterState {
  initialized: boolean;
  mode: Mode;
  active: string | null;
  epoch: number;
  serving: string[];
  maintenance: string[];
  paused: boolean;
  pausedReason: string | null;
  /** anti-flapping: no automatic failover before this time unless acked */
  blockedUntil: number | null;
  operation: Operation | null;
  /** nodes kept out of the cluster, e.g. a returning old active with errant transactions */
  excluded: Record<string, ExcludedNode>;
  /** nodes whose inbound replication at the active was stopped by a failover; rejoin restarts it */
  detached: string[];
  /** the file tree every node must match: the active's (or, active-active, the first serving node's) digest */
  fileSource: { node: string; digest: string; at: number } | null;
  syncOrders: Record<string, { id: string; source: string; digest: string; at: number }>;
  history: HistoryEvent[];
  lastFailover: LastFailover | null;
  failoversTotal: number;
}

export const HISTORY_LIMIT = 200;

export function initialState(): ClusterState {
  return {
    initialized: false,
    mode: 'active-passive',
    active: null,
    epoch: 0,
    serving: [],
    maintenance: [],
    paused: false,
    pausedReason: null,
    blockedUntil: null,
    operation: null,
    excluded: {},
    detached: [],
    fileSource: null,
    syncOrders: {},
    history: [],
    lastFailover: null,
    failoversTotal: 0,
  };
}

/** What the leader proposes to the Raft log. Each entry is a fact, applied identically everywhere. */
export type Entry =
  | { type: 'init'; at: number; mode: Mode; active: string | null; serving: string[] }
  | {
      type: 'op-begin';
      at: number;
      id: string;
      kind: OpKind;
      from: string | null;
      to: string;
      reason: string;
      automatic: boolean;
      force: boolean;
    }
  | { type: 'op-step-done'; at: number; id: string; step: OpStep; fencedGtid?: string | null; note?: string }
  | { type: 'op-abort'; at: number; id: string; reason: string; pause: boolean }
  | { type: 'maintenance'; at: number; node: string; on: boolean }
  | { type: 'pause'; at: number; on: boolean; reason: string }
  | { type: 'ack'; at: number; by: string }
  | { type: 'serving'; at: number; node: string; on: boolean; reason: string }
  | { type: 'exclude'; at: number; node: string; reason: string; errant: string }
  | { type: 'rejoin'; at: number; node: string }
  | { type: 'file-source'; at: number; node: string; digest: string }
  | { type: 'sync-order'; at: number; id: string; target: string; source: string; digest: string }
  | { type: 'sync-done'; at: number; id: string; target: string; ok: boolean; error: string };

export interface ApplyContext {
  blockSeconds: number;
}

function clone(s: ClusterState): ClusterState {
  return structuredClone(s);
}

function record(s: ClusterState, at: number, kind: string, text: string): void {
  s.history.push({ at, kind, text, epoch: s.epoch });
  if (s.history.length > HISTORY_LIMIT) s.history.splice(0, s.history.length - HISTORY_LIMIT);
}

/**
 * Applies one committed entry. Entries that no longer fit the state (a step
 * for an operation that already finished, say, proposed by an old leader) are
 * ignored: applying them must never move the state backwards.
 */
export function applyEntry(prev: ClusterState, e: Entry, ctx: ApplyContext): ClusterState {
  const s = clone(prev);
  switch (e.type) {
    case 'init': {
      if (s.initialized) return prev;
      s.initialized = true;
      s.mode = e.mode;
      s.active = e.active;
      s.serving = [...e.serving].sort();
      s.epoch = 1;
      record(s, e.at, 'init', `cluster initialised in ${e.mode} mode${e.active ? ` with ${e.active} active` : ''} at epoch 1`);
      return s;
    }
    case 'op-begin': {
      if (s.operation) return prev;
      s.epoch += 1;
      s.operation = {
        id: e.id,
        kind: e.kind,
        from: e.from,
        to: e.to,
        epoch: s.epoch,
        reason: e.reason,
        step: OP_STEPS[e.kind][0],
        startedAt: e.at,
        automatic: e.automatic,
        force: e.force,
        fencedGtid: null,
      };
      record(s, e.at, `${e.kind}-begin`, `${e.kind} from ${e.from ?? '(none)'} to ${e.to} began at epoch ${s.epoch}: ${e.reason}`);
      return s;
    }
    case 'op-step-done': {
      const op = s.operation;
      if (!op || op.id !== e.id || op.step !== e.step) return prev;
      if (e.fencedGtid !== undefined && e.fencedGtid !== null) op.fencedGtid = e.fencedGtid;
      const steps: readonly OpStep[] = OP_STEPS[op.kind];
      const next = steps[steps.indexOf(op.step) + 1];
      if (e.note) record(s, e.at, `${op.kind}-step`, `${op.kind} ${op.id} step ${op.step}: ${e.note}`);
      if (next) {
        op.step = next;
        return s;
      }
      // last step done: the writer has moved
      s.active = op.to;
      s.detached = s.detached.filter((n) => n !== op.to);
      if (op.kind === 'failover' && op.from) {
        if (!s.detached.includes(op.from)) s.detached.push(op.from);
      }
      s.operation = null;
      const durationMs = e.at - op.startedAt;
      if (op.kind === 'failover') {
        s.failoversTotal += 1;
        s.lastFailover = { at: e.at, durationMs, from: op.from, to: op.to };
        if (op.automatic && ctx.blockSeconds > 0) s.blockedUntil = e.at + ctx.blockSeconds * 1000;
      }
      // the new active is the file source from now on; its digest arrives with its next report
      s.fileSource = null;
      s.syncOrders = {};
      record(s, e.at, `${op.kind}-done`, `${op.kind} to ${op.to} done at epoch ${s.epoch} in ${durationMs} ms`);
      return s;
    }
    case 'op-abort': {
      const op = s.operation;
      if (!op || op.id !== e.id) return prev;
      s.operation = null;
      // Before promote nobody new became writable: the old active keeps the role at the new epoch.
      if (op.from) s.active = op.from;
      if (e.pause) {
        s.paused = true;
        s.pausedReason = `${op.kind} to ${op.to} failed: ${e.reason}`;
      }
      record(s, e.at, `${op.kind}-aborted`, `${op.kind} to ${op.to} aborted at step ${op.step}: ${e.reason}${e.pause ? '; automation paused' : ''}`);
      return s;
    }
    case 'maintenance': {
      const has = s.maintenance.includes(e.node);
      if (e.on === has) return prev;
      s.maintenance = e.on ? [...s.maintenance, e.node].sort() : s.maintenance.filter((n) => n !== e.node);
      record(s, e.at, 'maintenance', `${e.node} ${e.on ? 'entered' : 'left'} maintenance`);
      return s;
    }
    case 'pause': {
      if (s.paused === e.on) return prev;
      s.paused = e.on;
      s.pausedReason = e.on ? e.reason : null;
      record(s, e.at, e.on ? 'pause' : 'resume', e.on ? `automation paused: ${e.reason}` : 'automation resumed');
      return s;
    }
    case 'ack': {
      if (s.blockedUntil === null) return prev;
      s.blockedUntil = null;
      record(s, e.at, 'ack', `anti-flapping block lifted by ${e.by}`);
      return s;
    }
    case 'serving': {
      const has = s.serving.includes(e.node);
      if (e.on === has) return prev;
      s.serving = e.on ? [...s.serving, e.node].sort() : s.serving.filter((n) => n !== e.node);
      s.epoch += 1;
      record(s, e.at, e.on ? 'serve' : 'drain', `${e.node} ${e.on ? 'readmitted to' : 'removed from'} the serving set: ${e.reason}`);
      return s;
    }
    case 'exclude': {
      if (s.excluded[e.node]?.errant === e.errant) return prev;
      s.excluded[e.node] = { reason: e.reason, errant: e.errant, at: e.at };
      record(s, e.at, 'exclude', `${e.node} kept out: ${e.reason}`);
      return s;
    }
    case 'rejoin': {
      if (!s.excluded[e.node] && !s.detached.includes(e.node)) return prev;
      delete s.excluded[e.node];
      s.detached = s.detached.filter((n) => n !== e.node);
      record(s, e.at, 'rejoin', `${e.node} rejoined as passive`);
      return s;
    }
    case 'file-source': {
      if (s.fileSource?.node === e.node && s.fileSource.digest === e.digest) return prev;
      s.fileSource = { node: e.node, digest: e.digest, at: e.at };
      return s;
    }
    case 'sync-order': {
      if (s.syncOrders[e.target]) return prev;
      s.syncOrders[e.target] = { id: e.id, source: e.source, digest: e.digest, at: e.at };
      record(s, e.at, 'sync', `file sync ordered: ${e.target} pulls from ${e.source}`);
      return s;
    }
    case 'sync-done': {
      if (s.syncOrders[e.target]?.id !== e.id) return prev;
      delete s.syncOrders[e.target];
      record(s, e.at, 'sync-done', e.ok ? `file sync of ${e.target} done` : `file sync of ${e.target} failed: ${e.error}`);
      return s;
    }
    default:
      // an entry type this version does not know (written by a newer leader): leave the state as it is
      return prev;
  }
}

/** Which nodes the LB should send traffic to, from committed state only. */
export function lbTargets(s: ClusterState): string[] {
  if (!s.initialized) return [];
  if (s.mode === 'active-active') return s.serving.filter((n) => !s.maintenance.includes(n) && !s.excluded[n]);
  const op = s.operation;
  // Mid-operation before the switch the writer is fenced: send traffic nowhere rather than to a read-only node.
  if (op) return op.step === 'switch-lb' ? [op.to] : [];
  // An active in maintenance keeps serving until the switchover away from it moves the writer.
  return s.active ? [s.active] : [];
}

export function encodeEntry(e: Entry): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(e));
}

export function decodeEntry(data: Uint8Array): Entry {
  return JSON.parse(new TextDecoder().decode(data)) as Entry;
}
