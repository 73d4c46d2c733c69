import { InputError, type Logger } from '@whmcs-ha/shared';
import { FileStorage } from '../storage/file-storage.js';
import { GrpcTransport, type TransportOptions, type TransportPeer } from '../transport/grpc-transport.js';
import { systemClock } from './raft-clock.js';
import { RaftNode, validateTiming, type RaftTiming, type StateMachine } from './raft-node.js';

export interface ProductionRaftOptions extends RaftTiming {
  /** Every voter with its Raft address; this node may be listed too. */
  peers: TransportPeer[];
  dataDir: string;
  stateMachine: StateMachine;
  logger: Logger;
  random?: () => number;
  /** How long propose() waits for commit and apply; default 3 election timeouts. */
  proposeTimeoutMs?: number;
  /** gRPC deadline of one Raft Send call; default 2 heartbeats (at least 200 ms). */
  sendDeadlineMs?: number;
  /** Credentials to dial one peer with (mTLS naming that peer); default insecure. */
  credentials?: TransportOptions['credentials'];
}

export interface ProductionRaft {
  node: RaftNode;
  /** Serve transport.implementation() as the Raft service on the coordinator's one gRPC server. */
  transport: GrpcTransport;
}

/**
 * A RaftNode as production runs it: FileStorage in `dataDir`, GrpcTransport
 * to the peers, the system's monotonic clock, Math.random. Checks the options
 * first (InputError naming the field), so nothing is opened for a bad config.
 */
export function createRaftNode(opts: ProductionRaftOptions): ProductionRaft {
  validate(opts);
  const transport = new GrpcTransport({
    selfId: opts.id,
    peers: opts.peers.filter((p) => p.id !== opts.id),
    logger: opts.logger,
    deadlineMs: opts.sendDeadlineMs ?? Math.max(200, 2 * opts.heartbeatTicks * opts.tickMs),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
  });
  const node = new RaftNode({
    id: opts.id,
    voters: opts.peers.map((p) => p.id),
    tickMs: opts.tickMs,
    electionTicks: opts.electionTicks,
    heartbeatTicks: opts.heartbeatTicks,
    snapshotEvery: opts.snapshotEvery,
    storage: new FileStorage(opts.dataDir),
    transport,
    clock: systemClock,
    random: opts.random ?? Math.random,
    stateMachine: opts.stateMachine,
    logger: opts.logger,
    proposeTimeoutMs: opts.proposeTimeoutMs,
  });
  return { node, transport };
}

function validate(o: ProductionRaftOptions): void {
  const src = 'raft options';
  validateTiming(o);
  const seen = new Set<string>();
  for (const p of o.peers) {
    if (!p.id) throw new InputError('peers', 'every peer needs an id', src);
    if (seen.has(p.id)) throw new InputError('peers', `peer "${p.id}" is listed twice`, src);
    seen.add(p.id);
    if (p.id !== o.id && !/^[^\s:]+:\d+$/.test(p.address)) throw new InputError(`peers.${p.id}.address`, `must be host:port, got "${p.address}"`, src);
  }
  if (!o.dataDir) throw new InputError('dataDir', 'must not be empty', src);
}
