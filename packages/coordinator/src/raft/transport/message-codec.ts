import type { Entry, EntryType, Message, MessageType, Snapshot } from '../core/types.js';

/** The RaftMessage shape as @grpc/proto-loader encodes and decodes it (camelCase, longs as numbers). */
export interface WireEntry {
  term: number;
  index: number;
  type: string;
  data: Uint8Array;
}
export interface WireSnapshot {
  index: number;
  term: number;
  voters: string[];
  data: Uint8Array;
}
export interface WireMessage {
  type: string;
  from: string;
  to: string;
  term: number;
  logTerm: number;
  index: number;
  entries: WireEntry[];
  commit: number;
  reject: boolean;
  rejectHint: number;
  snapshot: WireSnapshot | null;
  context: string;
}
export interface WireBatch {
  from: string;
  messages: WireMessage[];
}

const MESSAGE_TYPES = new Set<MessageType>([
  'app',
  'app_resp',
  'vote',
  'vote_resp',
  'prevote',
  'prevote_resp',
  'heartbeat',
  'heartbeat_resp',
  'snap',
  'timeout_now',
]);
const ENTRY_TYPES = new Set<EntryType>(['normal', 'noop', 'conf']);

export function toWire(m: Message): WireMessage {
  return { ...m, snapshot: m.snapshot ? { ...m.snapshot } : null };
}

/** Validates and converts a received message; null if malformed (it is dropped, never half-applied). */
export function fromWire(w: WireMessage, batchFrom: string): Message | null {
  if (!MESSAGE_TYPES.has(w.type as MessageType) || w.from !== batchFrom) return null;
  const entries: Entry[] = [];
  for (const e of w.entries ?? []) {
    if (!ENTRY_TYPES.has(e.type as EntryType)) return null;
    entries.push({ term: Number(e.term), index: Number(e.index), type: e.type as EntryType, data: new Uint8Array(e.data ?? []) });
  }
  let snapshot: Snapshot | null = null;
  if (w.snapshot) {
    snapshot = {
      index: Number(w.snapshot.index),
      term: Number(w.snapshot.term),
      voters: [...(w.snapshot.voters ?? [])],
      data: new Uint8Array(w.snapshot.data ?? []),
    };
  }
  return {
    type: w.type as MessageType,
    from: w.from,
    to: w.to,
    term: Number(w.term),
    logTerm: Number(w.logTerm),
    index: Number(w.index),
    entries,
    commit: Number(w.commit),
    reject: Boolean(w.reject),
    rejectHint: Number(w.rejectHint),
    snapshot,
    context: w.context ?? '',
  };
}
