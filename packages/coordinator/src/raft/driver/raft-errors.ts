/** This node cannot take the request because it is not the leader; `leaderId` is who it believes leads. */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
  constructor(readonly leaderId: string | null) {
    super(leaderId ? `not the raft leader; the leader is ${leaderId}` : 'not the raft leader; no leader is known');
  }
}

/** The request did not complete in time; a proposal may still commit later. */
export class RaftTimeoutError extends Error {
  override readonly name = 'RaftTimeoutError';
}

/** The node is stopped (or stopping). */
export class RaftStoppedError extends Error {
  override readonly name = 'RaftStoppedError';
  constructor() {
    super('raft node is stopped');
  }
}
