import type { Entry, HardState, Snapshot } from '../core/types.js';

export interface PersistedState {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

/**
 * Durable home of term, vote, commit, log and snapshot. Every method resolves
 * only once its data is fsynced; the driver sends nothing that depends on it
 * before then.
 */
export interface RaftStorage {
  load(): Promise<PersistedState>;
  /**
   * Persists one Ready: `snapshot` (received from the leader; replaces the
   * whole log), then `entries` (replacing any stored entry at or after
   * entries[0].index), then `hardState`.
   */
  save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null): Promise<void>;
  /** The application took `snapshot`: store it and drop the entries it covers; `rest` follow it. */
  compact(snapshot: Snapshot, hardState: HardState, rest: Entry[]): Promise<void>;
  close(): Promise<void>;
}
