/**
 * TypeScript shapes of the proto messages as @grpc/proto-loader decodes them
 * (camelCase fields, longs as numbers, defaults filled, oneof name in the
 * field named after the oneof). Keep in step with proto/whmcsha/v1/*.proto.
 */

export interface ReplicaState {
  configured: boolean;
  ioRunning: boolean;
  sqlRunning: boolean;
  /** -1 when the server says NULL (threads stopped) */
  secondsBehind: number;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  sourceHost: string;
  sourcePort: number;
  ioState: string;
}

export interface SemiSyncState {
  primaryEnabled: boolean;
  replicaEnabled: boolean;
  primaryStatus: boolean;
  replicaStatus: boolean;
  primaryClients: number;
}

export interface MysqlState {
  up: boolean;
  latencyMs: number;
  error: string;
  readOnly: boolean;
  superReadOnly: boolean;
  serverId: number;
  flavour: string;
  version: string;
  gtidExecuted: string;
  gtidRetrieved: string;
  replica: ReplicaState | null;
  semiSync: SemiSyncState | null;
  binlogFormat: string;
  logSlaveUpdates: boolean;
  autoIncrementIncrement: number;
  autoIncrementOffset: number;
  gtidMode: boolean;
}

export interface PhpFpmState {
  up: boolean;
  latencyMs: number;
  error: string;
  pool: string;
  acceptedConn: number;
  listenQueue: number;
  activeProcesses: number;
  idleProcesses: number;
  totalProcesses: number;
  maxChildrenReached: number;
  slowRequests: number;
}

export interface HttpState {
  up: boolean;
  status: number;
  latencyMs: number;
  error: string;
}

export interface FilesState {
  rootDigest: string;
  fileCount: number;
  totalBytes: number;
  scannedAtMs: number;
  error: string;
  ready: boolean;
}

export interface Report {
  node: string;
  seq: number;
  sentAtMs: number;
  highestEpoch: number;
  mysql: MysqlState | null;
  phpFpm: PhpFpmState | null;
  http: HttpState | null;
  files: FilesState | null;
  installPath: string;
  leaseEpoch: number;
  leaseExpiresAtMs: number;
}

export interface Hello {
  node: string;
  agentVersion: string;
  highestEpoch: number;
}

export interface Welcome {
  coordinatorId: string;
  leader: boolean;
  term: number;
}

export type Empty = Record<string, never>;

export interface WaitForGtid {
  gtidSet: string;
  timeoutMs: number;
}

export interface SyncFilesFrom {
  sourceNode: string;
  sourceUrl: string;
  expectedDigest: string;
}

export type CommandKind =
  | 'setReadOnly'
  | 'setWritable'
  | 'stopReplica'
  | 'startReplica'
  | 'waitForGtid'
  | 'syncFilesFrom';

export interface Command {
  id: string;
  term: number;
  epoch: number;
  node: string;
  kind?: CommandKind;
  setReadOnly?: Empty | null;
  setWritable?: Empty | null;
  stopReplica?: Empty | null;
  startReplica?: Empty | null;
  waitForGtid?: WaitForGtid | null;
  syncFilesFrom?: SyncFilesFrom | null;
}

export interface CommandResult {
  id: string;
  node: string;
  epoch: number;
  ok: boolean;
  error: string;
  durationMs: number;
  detail: string;
}

export interface Lease {
  node: string;
  epoch: number;
  term: number;
  durationMs: number;
}

export interface AgentMessage {
  body?: 'hello' | 'report' | 'result';
  hello?: Hello | null;
  report?: Report | null;
  result?: CommandResult | null;
}

export interface CoordinatorMessage {
  body?: 'welcome' | 'command' | 'lease';
  welcome?: Welcome | null;
  command?: Command | null;
  lease?: Lease | null;
}

export interface StatusReply {
  json: string;
  fromLeader: boolean;
}

export interface OperateRequest {
  action: string;
  node: string;
  force: boolean;
  on: boolean;
  reason: string;
}

export interface OperateReply {
  accepted: boolean;
  message: string;
  leaderId: string;
  leaderAddress: string;
  json: string;
}

export interface WatchEvent {
  atMs: number;
  kind: string;
  text: string;
  json: string;
}
