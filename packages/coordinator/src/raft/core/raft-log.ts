import type { Entry, Snapshot } from './types.js';

/**
 * The in-memory log: a snapshot (index/term of the last compacted entry, and
 * its data so a leader can ship it) followed by every later entry. `stable` is
 * the last index known to be on disk; entries after it are handed out by
 * ready() until advance() marks them persisted.
 */
export class RaftLog {
  snapshot: Snapshot;
  entries: Entry[] = [];
  committed: number;
  applied: number;
  stable: number;
  /** A snapshot received from the leader that is not yet persisted and restored. */
  pendingSnapshot: Snapshot | null = null;
  /** Lowest index changed since a checker last reset it (simulation only reads it). */
  dirtyFrom = 1;

  constructor(snapshot: Snapshot, entries: Entry[], committed: number) {
    this.snapshot = snapshot;
    this.entries = entries.filter((e) => e.index > snapshot.index);
    for (let i = 0; i < this.entries.length; i++) {
      if (this.entries[i]!.index !== snapshot.index + 1 + i) throw new Error('raft log: stored entries are not contiguous');
    }
    this.stable = this.lastIndex();
    if (committed > this.lastIndex()) throw new Error(`raft log: commit ${committed} beyond last index ${this.lastIndex()}`);
    this.committed = Math.max(committed, snapshot.index);
    this.applied = snapshot.index;
  }

  firstIndex(): number {
    return this.snapshot.index + 1;
  }

  lastIndex(): number {
    return this.snapshot.index + this.entries.length;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term of the entry at `index`, or undefined when compacted away or past the end. */
  term(index: number): number | undefined {
    if (index === this.snapshot.index) return this.snapshot.term;
    if (index < this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1]!.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshot.index || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshot.index - 1];
  }

  /** Entries [lo, hi] inclusive; lo must be > snapshot index. */
  slice(lo: number, hi: number, max = Infinity): Entry[] {
    if (lo > hi) return [];
    if (lo <= this.snapshot.index) throw new Error(`raft log: slice from compacted index ${lo}`);
    const from = lo - this.snapshot.index - 1;
    const to = Math.min(hi - this.snapshot.index, from + max);
    return this.entries.slice(from, to);
  }

  /** Is a log ending at (index, term) at least as up to date as ours (Raft §5.4.1)? */
  isUpToDate(index: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && index >= this.lastIndex());
  }

  /** Appends entries, truncating ours from entries[0].index on. */
  append(ents: Entry[]): void {
    if (ents.length === 0) return;
    const first = ents[0]!.index;
    if (first <= this.committed) throw new Error(`raft log: truncation at ${first} below commit ${this.committed}`);
    if (first > this.lastIndex() + 1) throw new Error(`raft log: gap appending ${first} after ${this.lastIndex()}`);
    this.entries.length = first - this.snapshot.index - 1;
    this.dirtyFrom = Math.min(this.dirtyFrom, first);
    for (const e of ents) this.entries.push(e);
    if (this.stable >= first) this.stable = first - 1;
  }

  /** First index in ents whose term differs from ours (or that we lack); 0 when all match. */
  findConflict(ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (the fast back-off of
   * etcd-io/raft: skips a whole term of conflicting entries per round trip).
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = Math.min(index, this.lastIndex()); i >= this.snapshot.index; i--) {
      const t = this.term(i);
      if (t === undefined) break;
      if (t <= term) return { index: i, term: t };
    }
    return { index, term: 0 };
  }

  /** Follower side of AppendEntries; returns the last new index, or null on a mismatch. */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number | null {
    if (!this.matchTerm(index, logTerm)) return null;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) throw new Error(`raft log: conflict at ${ci} below commit ${this.committed}`);
      this.append(ents.slice(ci - index - 1));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) throw new Error(`raft log: commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  restore(s: Snapshot): void {
    this.snapshot = s;
    this.entries = [];
    this.committed = s.index;
    this.stable = s.index;
    this.pendingSnapshot = s;
    this.dirtyFrom = Math.min(this.dirtyFrom, s.index + 1);
  }

  /** Drops entries up to `index` after the application took a snapshot there. */
  compact(s: Snapshot): void {
    if (s.index <= this.snapshot.index) return;
    if (s.index > this.applied) throw new Error(`raft log: compact ${s.index} beyond applied ${this.applied}`);
    const t = this.term(s.index);
    if (t !== s.term) throw new Error(`raft log: compact term mismatch at ${s.index}`);
    this.entries = this.entries.slice(s.index - this.snapshot.index);
    this.snapshot = s;
  }
}
