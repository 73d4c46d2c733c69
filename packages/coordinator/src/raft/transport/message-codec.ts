import type { RaftMessage, RaftMessageInput } from '@whmcs-ha/shared';
import type { Entry, EntryType, Message, MessageType, Snapshot } from '../core/types.js';

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

export function toWire(m: Message): RaftMessageInput {
  return { ...m, snapshot: m.snapshot ? { ...m.snapshot } : null };
}

/** Validates and converts a received message; null if malformed (it is dropped, never half-applied). */
export function fromWire(w: RaftMessage, batchFrom: string): Message | null {
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
