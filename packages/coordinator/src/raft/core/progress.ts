/**
 * What a leader knows about one follower's log (etcd-io/raft's Progress):
 * probe sends one append per heartbeat until a match is found, replicate
 * streams optimistically up to a window of in-flight messages, snapshot waits
 * for a snapshot to land.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export const MAX_INFLIGHT = 64;

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  probeSent = false;
  pendingSnapshot = 0;
  /** Last index of each in-flight append in replicate state, oldest first. */
  inflight: number[] = [];
  /**
   * Leader tick at which the latest request this follower answered was sent:
   * the follower promised not to vote for anyone else until that tick plus an
   * election timeout, which is what the leader lease (and CheckQuorum) rests on.
   */
  ackedSendTick = -Infinity;

  constructor(next: number) {
    this.next = next;
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      this.next = Math.max(this.match + 1, this.pendingSnapshot + 1);
    } else {
      this.next = this.match + 1;
    }
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflight = [];
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflight = [];
  }

  becomeSnapshot(index: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.probeSent = false;
    this.inflight = [];
  }

  /** Records an acknowledged index; false if it told us nothing new. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    while (this.inflight.length > 0 && this.inflight[0]! <= n) this.inflight.shift();
    return updated;
  }

  /**
   * A rejection of the append at `rejected`; `hint` is where to probe next.
   * False when the rejection is stale (answers an older append).
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, hint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflight.length >= MAX_INFLIGHT;
      case 'snapshot':
        return true;
    }
  }
}
