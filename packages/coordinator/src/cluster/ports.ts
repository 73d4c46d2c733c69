import type { Command, CommandResult, Lease, Report } from '@whmcs-ha/shared';
import type { RaftLeadership, RaftMembership, RaftStatus } from '../raft/driver/raft-node.js';

// What the coordinator's leader logic needs from Raft and from the agent
// streams, as two small ports: the real RaftNode and AgentLinkServer in
// production, fakes in unit tests of pure orchestration.

/** Who leads, as this node sees it (role, term, leaderId, leaseValid). */
export type Leadership = RaftLeadership;
/** The voters, and each other voter's replication progress (leader only) and reachability. */
export type Membership = RaftMembership;
/** id, role, term, commit and applied index, leaderId, leaseValid and the peers, in one reading. */
export type ConsensusStatus = RaftStatus;

/** Raft as the cluster layer uses it. RaftNode implements it. */
export interface Consensus {
  /**
   * Resolves once the entry is committed and applied locally; rejects with
   * NotLeaderError (naming the leader it knows) on a follower or when another
   * leader's entry took the index, RaftTimeoutError when the outcome is
   * unknown (it may still commit), RaftStoppedError.
   */
  propose(data: Uint8Array): Promise<{ index: number; term: number }>;
  /**
   * Called after each committed entry is applied here, in index order. The
   * entries' contents go to the state machine the node was built with
   * (ReplicatedState); this is the signal that it moved. Returns the unsubscribe.
   */
  onApplied(listener: (entry: { index: number; term: number }) => void): () => void;
  leadership(): Leadership;
  /**
   * Called when role, term or leader changes. Not when the lease lapses or
   * returns: that is time, not an event; read leadership() or use
   * readBarrier() at the moment it matters. Returns the unsubscribe.
   */
  onLeadershipChange(listener: (now: Leadership) => void): () => void;
  /**
   * Resolves when this node may serve a linearizable read from its applied
   * state: it leads, holds a valid lease, and has applied everything committed
   * when asked. Lease-based (there is no ReadIndex round trip), so as safe as
   * the lease (docs/raft.md, "Leader lease"). Rejects with NotLeaderError on a
   * follower or when leadership is lost, RaftTimeoutError.
   */
  readBarrier(timeoutMs?: number): Promise<void>;
  membership(): Membership;
  status(): ConsensusStatus;
  /** Resolves when this node sees `to` lead; InputError for an unknown id, NotLeaderError, RaftTimeoutError. */
  transferLeadership(to: string): Promise<void>;
}

export interface AgentPort {
  latest(node: string): { report: Report; receivedAt: number } | null;
  connected(node: string): boolean;
  sendCommand(node: string, command: Command, timeoutMs: number): Promise<CommandResult>;
  sendLease(node: string, lease: Lease): boolean;
}
