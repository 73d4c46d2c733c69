import type { Message } from '../core/types.js';

export interface PeerLinkStatus {
  reachable: boolean;
  /** Monotonic ms (performance.now(), the driver's clock) of the last successful exchange with the peer in either direction; -Infinity if none. */
  lastContact: number;
  /** Messages dropped because the queue was full. */
  dropped: number;
  queued: number;
}

/**
 * How the driver reaches the other voters. Sending never blocks and may lose
 * messages (Raft retransmits what matters); replies are messages of their own,
 * so nothing waits on a call. GrpcTransport implements it for production.
 */
export interface RaftTransport {
  /** Queues each message for its `to` peer. */
  send(messages: Message[]): void;
  /** Where received messages go (well-formed, from a known peer, to this node); replaces any earlier handler. */
  receive(handler: (messages: Message[]) => void): void;
  /** The link to one peer, for status(). */
  status(peer: string): PeerLinkStatus;
  close(): void;
}
