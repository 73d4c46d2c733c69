import type { RaftCore } from '../core/raft-core.js';
import type { Entry } from '../core/types.js';

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
  }
}

export function entryKey(e: Entry): string {
  return `${e.term}:${e.type}:${Buffer.from(e.data).toString('utf8')}`;
}

/**
 * The safety properties of Raft (Figure 3 of the paper), checked
 * incrementally so every simulation step can afford them.
 */
export class SimChecker {
  /** term -> the one node that led in it. */
  private leaders = new Map<number, string>();
  /** "index:term" -> "prevTerm|key": the same (index, term) must always be the same entry after the same prefix. */
  private entries = new Map<string, string>();
  /**
   * index -> key of the committed entry there, and the lowest term of any node
   * seen holding it committed: an upper bound on the term it was committed in.
   */
  readonly committed = new Map<number, { key: string; term: number }>();
  private lastCommit = new Map<string, number>();
  private wasLeader = new Map<string, number>();
  maxCommitted = 0;

  /** Election safety, log matching, leader completeness, commit agreement, monotonic commit. */
  checkNode(id: string, core: RaftCore): void {
    const log = core.log;
    if (core.role === 'leader') {
      const prev = this.leaders.get(core.term);
      if (prev !== undefined && prev !== id) {
        throw new InvariantViolation('election safety', `term ${core.term} has leaders ${prev} and ${id}`);
      }
      if (prev === undefined) this.leaders.set(core.term, id);
      if (this.wasLeader.get(id) !== core.term) {
        this.wasLeader.set(id, core.term);
        this.checkLeaderCompleteness(id, core);
      }
    }
    // Log matching, for entries changed since the last check.
    if (log.dirtyFrom <= log.lastIndex()) {
      for (let i = Math.max(log.dirtyFrom, log.firstIndex()); i <= log.lastIndex(); i++) {
        const e = log.entry(i)!;
        const k = `${i}:${e.term}`;
        const v = `${log.term(i - 1) ?? '?'}|${entryKey(e)}`;
        const seen = this.entries.get(k);
        if (seen === undefined) this.entries.set(k, v);
        else if (seen !== v && !seen.startsWith('?') && !v.startsWith('?')) {
          throw new InvariantViolation('log matching', `${id} has ${k} as ${v}, seen before as ${seen}`);
        }
      }
    }
    log.dirtyFrom = log.lastIndex() + 1;
    // Commit agreement and monotonic commit.
    const last = this.lastCommit.get(id) ?? 0;
    if (log.committed < last) {
      throw new InvariantViolation('monotonic commit', `${id} commit went from ${last} to ${log.committed}`);
    }
    for (let i = Math.max(last + 1, log.firstIndex()); i <= log.committed; i++) {
      const e = log.entry(i);
      if (e) this.noteCommitted(id, i, entryKey(e), core.term);
    }
    this.lastCommit.set(id, log.committed);
  }

  /** A restarted node starts a new incarnation whose commit may be lower (it was not yet persisted). */
  restarted(id: string): void {
    this.lastCommit.delete(id);
    this.wasLeader.delete(id);
  }

  noteCommitted(id: string, index: number, key: string, term: number): void {
    const seen = this.committed.get(index);
    if (seen === undefined) {
      this.committed.set(index, { key, term });
      if (index > this.maxCommitted) this.maxCommitted = index;
    } else if (seen.key !== key) {
      throw new InvariantViolation('state machine safety', `${id} has ${key} committed at ${index}, another node ${seen.key}`);
    } else if (term < seen.term) {
      seen.term = term;
    }
  }

  private checkLeaderCompleteness(id: string, core: RaftCore): void {
    const log = core.log;
    for (const [index, { key, term }] of this.committed) {
      // Only entries committed in an earlier term: a leader whose votes were
      // granted long ago may win after a later term committed something.
      if (index <= log.snapshot.index || term >= core.term) continue;
      const e = log.entry(index);
      if (!e || entryKey(e) !== key) {
        throw new InvariantViolation(
          'leader completeness',
          `${id} leads term ${core.term} without committed entry ${index} (${key}); has ${e ? entryKey(e) : 'nothing'}`,
        );
      }
    }
  }
}
