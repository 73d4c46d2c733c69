/** Shapes shared by the Raft core, its storage, its transport and the simulation. */

export type EntryType = 'normal' | 'noop' | 'conf';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

export interface Snapshot {
  index: number;
  term: number;
  voters: string[];
  data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  term: number;
  vote: string;
  commit: number;
}

export type MessageType =
  | 'app'
  | 'app_resp'
  | 'vote'
  | 'vote_resp'
  | 'prevote'
  | 'prevote_resp'
  | 'heartbeat'
  | 'heartbeat_resp'
  | 'snap'
  | 'timeout_now';

/** Mirrors RaftMessage in proto/whmcsha/v1/raft.proto; every field present (proto3 defaults). */
export interface Message {
  type: MessageType;
  from: string;
  to: string;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  rejectHint: number;
  snapshot: Snapshot | null;
  context: string;
}

export type Role = 'leader' | 'follower' | 'candidate' | 'pre-candidate';

/**
 * One batch of work for the driver, in this order: persist `snapshot`, `entries`
 * (which replace any stored entry at or after entries[0].index) and `hardState`;
 * only then send `messages`; then apply `committedEntries` (or restore `snapshot`);
 * then call advance(ready).
 */
export interface Ready {
  hardState: HardState | null;
  entries: Entry[];
  snapshot: Snapshot | null;
  messages: Message[];
  committedEntries: Entry[];
}

export function emptyMessage(type: MessageType, from: string, to: string, term: number): Message {
  return {
    type,
    from,
    to,
    term,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    snapshot: null,
    context: '',
  };
}

export const NO_DATA = new Uint8Array(0);
