import type { Entry, HardState, Snapshot } from '../core/types.js';

export interface PersistedState {
  hardState: HardState;
  snapshot: Snapshot | null;
  entries: Entry[];
}

/**
 * Durable home of term, vote, commit, log and snapshot. Every write is done
 * (durable) once it returns or, for an asynchronous implementation, once its
 * promise resolves; the driver sends nothing that depends on it before then.
 * FileStorage is asynchronous; MemoryStorage (the simulation's and the
 * scenario tests' disk) returns at once, which is what lets one Ready loop
 * (driver/ready-loop.ts) serve both.
 */
export interface RaftStorage {
  /** Names the storage in log lines (the data directory). */
  readonly location: string;
  /** What the last load() had to repair. */
  readonly lastLoad: { truncatedBytes: number };
  load(): Promise<PersistedState>;
  /**
   * Persists one Ready: `snapshot` (received from the leader; replaces the
   * whole log), then `entries` (replacing any stored entry at or after
   * entries[0].index), then `hardState`.
   */
  save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null): void | Promise<void>;
  /** The application took `snapshot`: store it and drop the entries it covers; `rest` follow it. */
  compact(snapshot: Snapshot, hardState: HardState, rest: Entry[]): void | Promise<void>;
  close(): Promise<void>;
}
