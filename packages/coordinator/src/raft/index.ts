export { RaftCore, type CoreConfig, type CoreInit, type CoreMutation } from './core/raft-core.js';
export type { Entry, EntryType, HardState, Message, MessageType, Ready, Role, Snapshot } from './core/types.js';
export { FileStorage } from './storage/file-storage.js';
export { MemoryStorage } from './storage/memory-storage.js';
export type { PersistedState, RaftStorage } from './storage/raft-storage.js';
export { GrpcTransport, type TransportPeer } from './transport/grpc-transport.js';
export type { PeerLinkStatus, RaftTransport } from './transport/raft-transport.js';
export { systemClock, type Cancel, type RaftClock } from './driver/raft-clock.js';
export { runReady, runReadySync, takeReady, type ReadyPorts } from './driver/ready-loop.js';
export {
  RaftNode,
  type AppliedEntry,
  type RaftLeadership,
  type RaftMembership,
  type RaftNodeOptions,
  type RaftPeerStatus,
  type RaftStatus,
  type RaftTiming,
  type StateMachine,
} from './driver/raft-node.js';
export { createRaftNode, type ProductionRaft, type ProductionRaftOptions } from './driver/raft-node-factory.js';
export { NotLeaderError, RaftStoppedError, RaftTimeoutError } from './driver/raft-errors.js';
export { LoopbackCluster, RecordingStateMachine } from './driver/loopback-cluster.js';
export { runRaftBench, type RaftBenchResult } from './bench.js';
export { runSeed, type SimOptions, type SimResult } from './sim/simulation.js';
