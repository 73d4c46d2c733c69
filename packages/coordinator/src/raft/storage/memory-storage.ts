import type { Entry, HardState, Snapshot } from '../core/types.js';
import type { PersistedState, RaftStorage } from './raft-storage.js';

/**
 * Raft storage in memory, synchronous: the disk of the seeded simulation and
 * of the scenario tests. It keeps FileStorage's semantics (a received snapshot
 * replaces the log, entries replace from their first index on, compaction is
 * one atomic step) and models a crash in the middle of a save: any prefix of
 * its records survives, as with an unsynced WAL tail.
 */
export class MemoryStorage implements RaftStorage {
  readonly lastLoad = { truncatedBytes: 0 };
  private hs: HardState = { term: 0, vote: '', commit: 0 };
  private snapshot: Snapshot | null = null;
  private entries: Entry[] = [];

  /** `location` names this disk in errors and log lines. */
  constructor(readonly location = 'memory') {}

  load(): Promise<PersistedState> {
    return Promise.resolve(this.read());
  }

  /** What load() returns, synchronously; copies, so the core never shares an array with the disk. */
  read(): PersistedState {
    return { hardState: { ...this.hs }, snapshot: this.snapshot, entries: [...this.entries] };
  }

  save(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null): void {
    this.write(hardState, entries, snapshot, 3);
  }

  /**
   * A crash while save() was under way: the first `keep(records)` of its
   * records (snapshot, entries, hard state: those present) reached the disk.
   */
  crashDuringSave(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null, keep: (records: number) => number): void {
    const records = (snapshot ? 1 : 0) + (entries.length ? 1 : 0) + (hardState ? 1 : 0);
    this.write(hardState, entries, snapshot, keep(records));
  }

  compact(snapshot: Snapshot, hardState: HardState, rest: Entry[]): void {
    this.snapshot = snapshot;
    this.entries = rest.filter((e) => e.index > snapshot.index);
    this.hs = { ...hardState, commit: Math.max(hardState.commit, snapshot.index) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private write(hardState: HardState | null, entries: Entry[], snapshot: Snapshot | null, records: number): void {
    let left = records;
    if (snapshot) {
      if (left-- <= 0) return;
      this.snapshot = snapshot;
      this.entries = [];
      // What FileStorage's load makes of a snapshot whose WAL rewrite did not happen.
      this.hs = { ...this.hs, commit: Math.max(this.hs.commit, snapshot.index) };
      if (this.hs.term < snapshot.term) this.hs = { term: snapshot.term, vote: '', commit: this.hs.commit };
    }
    if (entries.length) {
      if (left-- <= 0) return;
      const first = entries[0]!.index;
      const base = this.snapshot?.index ?? 0;
      const ents = entries.filter((e) => e.index > base);
      if (ents.length) {
        const keep = ents[0]!.index - base - 1;
        if (keep < 0 || keep > this.entries.length) throw new Error(`${this.location} append at ${first} leaves a gap`);
        this.entries = this.entries.slice(0, keep).concat(ents);
      }
    }
    if (hardState) {
      if (left-- <= 0) return;
      this.hs = { ...hardState };
    }
  }
}
