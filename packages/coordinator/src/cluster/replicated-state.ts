import { EventEmitter } from 'node:events';
import { applyEntry, decodeEntry, initialState, type ClusterState, type Entry } from '../engine/cluster-state.js';

/**
 * The Raft state machine around the pure reducer: applies committed entries,
 * snapshots and restores, and tells listeners (LB applier, watchers) after
 * every change. Bad entries are logged by the caller and skipped, never
 * half-applied: applyEntry returns a new object or the old one.
 */
export class ReplicatedState extends EventEmitter<{ change: [ClusterState, Entry | null] }> {
  private s: ClusterState = initialState();
  appliedIndex = 0;

  constructor(private readonly blockSeconds: number) {
    super();
  }

  get state(): ClusterState {
    return this.s;
  }

  apply(entry: { index: number; term: number; data: Uint8Array }): void {
    this.appliedIndex = entry.index;
    if (entry.data.length === 0) return; // leader no-op entries
    let e: Entry;
    try {
      e = decodeEntry(entry.data);
    } catch {
      return;
    }
    const next = applyEntry(this.s, e, { blockSeconds: this.blockSeconds });
    if (next !== this.s) {
      this.s = next;
      this.emit('change', next, e);
    }
  }

  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ appliedIndex: this.appliedIndex, state: this.s }));
  }

  restore(data: Uint8Array): void {
    if (data.length === 0) {
      this.s = initialState();
      this.appliedIndex = 0;
    } else {
      const parsed = JSON.parse(new TextDecoder().decode(data)) as { appliedIndex: number; state: ClusterState };
      this.s = { ...initialState(), ...parsed.state };
      this.appliedIndex = parsed.appliedIndex;
    }
    this.emit('change', this.s, null);
  }
}
