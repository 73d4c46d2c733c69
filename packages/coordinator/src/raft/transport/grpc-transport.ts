import { clientConstructor, CHANNEL_OPTIONS, grpc, type Logger, type RaftHandlers, type ServiceClient } from '@whmcs-ha/shared';
import type { Message } from '../core/types.js';
import { fromWire, toWire } from './message-codec.js';
import type { PeerLinkStatus, RaftTransport } from './raft-transport.js';

export interface TransportPeer {
  id: string;
  address: string;
}

export interface TransportOptions {
  selfId: string;
  peers: TransportPeer[];
  logger: Logger;
  /** Called with every well-formed batch received from a known peer (or set later with receive()). */
  onMessages?: (msgs: Message[]) => void;
  /** Deadline of one Send call. */
  deadlineMs?: number;
  /** Messages queued per peer before the oldest are dropped (Raft retransmits). */
  maxQueue?: number;
  /** Messages carried by one Send call. */
  maxBatch?: number;
  /** Approximate bytes carried by one Send call (one larger message still goes alone). */
  maxBatchBytes?: number;
  /** Credentials to dial one peer with (mTLS naming that peer); default insecure. */
  credentials?: (peerId: string) => grpc.ChannelCredentials;
}

function approxSize(m: Message): number {
  let n = 64 + m.context.length;
  for (const e of m.entries) n += 24 + e.data.byteLength;
  if (m.snapshot) n += 64 + m.snapshot.data.byteLength;
  return n;
}

/**
 * One queue and at most one Send call in flight per peer, so a slow or dead
 * peer only ever delays its own messages. Everything queued while a call is
 * in flight goes out as one batch in the next call.
 */
class PeerLink {
  queue: Message[] = [];
  inFlight = false;
  reachable = false;
  lastContact = -Infinity;
  dropped = 0;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly peer: TransportPeer,
    private readonly client: ServiceClient<'Raft'>,
    private readonly owner: GrpcTransport,
  ) {}

  enqueue(m: Message): void {
    this.queue.push(m);
    const over = this.queue.length - this.owner.maxQueue;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
    }
    this.pump();
  }

  pump(): void {
    if (this.inFlight || this.closed || this.retryTimer || this.queue.length === 0) return;
    // Cut the batch by count and by size, so it always fits the gRPC message cap.
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.owner.maxBatch) {
      bytes += approxSize(this.queue[n]!);
      if (n > 0 && bytes > this.owner.maxBatchBytes) break;
      n++;
    }
    const batch = this.queue.splice(0, n);
    const req = { from: this.owner.selfId, messages: batch.map(toWire) };
    this.inFlight = true;
    const deadline = new Date(Date.now() + this.owner.deadlineMs);
    this.client.Send(req, { deadline }, (err) => {
      this.inFlight = false;
      if (this.closed) return;
      if (err) {
        // The batch is lost; Raft resends what matters. Back off a little so a
        // dead peer costs no busy loop, while a live one is retried promptly.
        if (this.reachable || this.failures === 0) {
          this.owner.logger.debug({ peer: this.peer.id, code: err.code, msg: err.details }, 'raft send failed');
        }
        this.reachable = false;
        this.failures++;
        const wait = Math.min(50 * this.failures, 500);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.pump();
        }, wait);
        return;
      }
      this.failures = 0;
      this.reachable = true;
      this.lastContact = performance.now();
      this.pump();
    });
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.client.close();
  }
}

/** The Raft transport over gRPC: send() queues per peer, implementation() is the service that receives. */
export class GrpcTransport implements RaftTransport {
  readonly selfId: string;
  readonly logger: Logger;
  readonly deadlineMs: number;
  readonly maxQueue: number;
  readonly maxBatch: number;
  readonly maxBatchBytes: number;
  private readonly links = new Map<string, PeerLink>();
  private onMessages: (msgs: Message[]) => void;

  constructor(opts: TransportOptions) {
    this.selfId = opts.selfId;
    this.logger = opts.logger;
    this.deadlineMs = opts.deadlineMs ?? 1_000;
    this.maxQueue = opts.maxQueue ?? 4_096;
    this.maxBatch = opts.maxBatch ?? 256;
    this.maxBatchBytes = opts.maxBatchBytes ?? 1024 * 1024;
    this.onMessages = opts.onMessages ?? (() => {});
    const Client = clientConstructor('Raft');
    for (const p of opts.peers) {
      if (p.id === opts.selfId) continue;
      const client = new Client(p.address, opts.credentials?.(p.id) ?? grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.links.set(p.id, new PeerLink(p, client, this));
    }
  }

  send(msgs: Message[]): void {
    for (const m of msgs) {
      const link = this.links.get(m.to);
      if (link) link.enqueue(m);
    }
  }

  receive(handler: (msgs: Message[]) => void): void {
    this.onMessages = handler;
  }

  status(peer: string): PeerLinkStatus {
    const l = this.links.get(peer);
    return l
      ? { reachable: l.reachable, lastContact: l.lastContact, dropped: l.dropped, queued: l.queue.length }
      : { reachable: false, lastContact: -Infinity, dropped: 0, queued: 0 };
  }

  /** The Raft service's handler: hands the batch over and acknowledges at once (the core never waits on replies). */
  implementation(): RaftHandlers {
    return {
      Send: (call, callback) => {
        const batch = call.request;
        const link = this.links.get(batch.from);
        if (!link) {
          callback({ code: grpc.status.PERMISSION_DENIED, details: `unknown raft peer "${batch.from}"` });
          return;
        }
        link.lastContact = performance.now();
        const msgs: Message[] = [];
        for (const w of batch.messages ?? []) {
          const m = fromWire(w, batch.from);
          if (m && m.to === this.selfId) msgs.push(m);
        }
        callback(null, {});
        if (msgs.length > 0) this.onMessages(msgs);
      },
    };
  }

  close(): void {
    for (const l of this.links.values()) l.close();
  }
}
