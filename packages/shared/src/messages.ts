/**
 * TypeScript shapes of the proto messages as @grpc/proto-loader decodes them
 * (camelCase fields, longs as numbers, defaults filled, oneof name in the
 * field named after the oneof). Keep in step with proto/whmcsha/v1/*.proto.
 */

import { z } from 'zod';

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
  /** the probed paths and whether each answered (absent from agents before 0.1.1) */
  pingPath?: string;
  statusPath?: string;
  pingOk?: boolean;
  statusOk?: boolean;
}

/** What the agent reads from the WHMCS install for `whmcs-hactl check`. */
export interface WhmcsState {
  configDigest: string;
  configError: string;
  sessionHandling: string;
  templatesDir: string;
  templatesExcluded: boolean;
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
  whmcs?: WhmcsState | null;
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
  stopReplica?: { disconnectReplicas?: boolean } | null;
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

// ---------------------------------------------------------------------------
// zod schemas of the AgentLink messages: every message that crosses the
// agent <-> coordinator stream is checked on arrival (DESIGN §10), so a
// malformed or hostile message is refused, never trusted.


const u32 = z.number().int().min(0).max(0xffffffff);
const u64 = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const i64 = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const finite = z.number().finite();
const text = (max: number) => z.string().max(max);
const nodeName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

export const replicaStateSchema = z.object({
  configured: z.boolean(),
  ioRunning: z.boolean(),
  sqlRunning: z.boolean(),
  secondsBehind: finite,
  lastIoErrno: u32,
  lastIoError: text(4096),
  lastSqlErrno: u32,
  lastSqlError: text(4096),
  sourceHost: text(255),
  sourcePort: u32,
  ioState: text(255),
});

export const semiSyncStateSchema = z.object({
  primaryEnabled: z.boolean(),
  replicaEnabled: z.boolean(),
  primaryStatus: z.boolean(),
  replicaStatus: z.boolean(),
  primaryClients: u32,
});

export const mysqlStateSchema = z.object({
  up: z.boolean(),
  latencyMs: finite,
  error: text(4096),
  readOnly: z.boolean(),
  superReadOnly: z.boolean(),
  serverId: u32,
  flavour: z.enum(['mariadb', 'mysql', '']),
  version: text(255),
  gtidExecuted: text(65536),
  gtidRetrieved: text(65536),
  replica: replicaStateSchema.nullable(),
  semiSync: semiSyncStateSchema.nullable(),
  binlogFormat: text(32),
  logSlaveUpdates: z.boolean(),
  autoIncrementIncrement: u32,
  autoIncrementOffset: u32,
  gtidMode: z.boolean(),
});

export const phpFpmStateSchema = z.object({
  up: z.boolean(),
  latencyMs: finite,
  error: text(4096),
  pool: text(255),
  acceptedConn: u64,
  listenQueue: u32,
  activeProcesses: u32,
  idleProcesses: u32,
  totalProcesses: u32,
  maxChildrenReached: u32,
  slowRequests: u64,
  pingPath: text(4096).optional(),
  statusPath: text(4096).optional(),
  pingOk: z.boolean().optional(),
  statusOk: z.boolean().optional(),
});

export const whmcsStateSchema = z.object({
  configDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
  configError: text(4096),
  sessionHandling: text(255),
  templatesDir: text(4096),
  templatesExcluded: z.boolean(),
});

export const httpStateSchema = z.object({ up: z.boolean(), status: u32, latencyMs: finite, error: text(4096) });

export const filesStateSchema = z.object({
  rootDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
  fileCount: u64,
  totalBytes: u64,
  scannedAtMs: i64,
  error: text(4096),
  ready: z.boolean(),
});

export const reportSchema = z.object({
  node: nodeName,
  seq: u64,
  sentAtMs: i64,
  highestEpoch: u64,
  mysql: mysqlStateSchema.nullable(),
  phpFpm: phpFpmStateSchema.nullable(),
  http: httpStateSchema.nullable(),
  files: filesStateSchema.nullable(),
  installPath: text(4096),
  leaseEpoch: u64,
  leaseExpiresAtMs: i64,
  whmcs: whmcsStateSchema.nullish(),
});

export const helloSchema = z.object({ node: nodeName, agentVersion: text(64), highestEpoch: u64 });

export const commandResultSchema = z.object({
  id: z.string().min(1).max(128),
  node: nodeName,
  epoch: u64,
  ok: z.boolean(),
  error: text(4096),
  durationMs: finite.min(0),
  detail: text(65536),
});

export const agentMessageSchema = z.discriminatedUnion('body', [
  z.object({ body: z.literal('hello'), hello: helloSchema }),
  z.object({ body: z.literal('report'), report: reportSchema }),
  z.object({ body: z.literal('result'), result: commandResultSchema }),
]);

export const welcomeSchema = z.object({ coordinatorId: text(63).min(1), leader: z.boolean(), term: u64 });

const emptySchema = z.object({}).strict();

export const commandSchema = z
  .object({
    id: z.string().min(1).max(128),
    term: u64,
    epoch: u64,
    node: nodeName,
    kind: z.enum(['setReadOnly', 'setWritable', 'stopReplica', 'startReplica', 'waitForGtid', 'syncFilesFrom']),
    setReadOnly: emptySchema.nullish(),
    setWritable: emptySchema.nullish(),
    stopReplica: z.object({ disconnectReplicas: z.boolean().optional() }).strict().nullish(),
    startReplica: emptySchema.nullish(),
    waitForGtid: z.object({ gtidSet: text(65536), timeoutMs: u32.min(1).max(3_600_000) }).nullish(),
    syncFilesFrom: z
      .object({
        sourceNode: nodeName,
        // an rsync source: never an option (leading dash), never empty
        sourceUrl: z.string().min(1).max(4096).regex(/^[^-\s][^\0\n]*$/, 'must be an rsync source, not an option'),
        expectedDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
      })
      .nullish(),
  })
  .refine((c) => c[c.kind] !== null && c[c.kind] !== undefined, { message: 'the field named by kind is missing', path: ['kind'] });

export const leaseSchema = z.object({ node: nodeName, epoch: u64, term: u64, durationMs: u32.min(1) });

export const coordinatorMessageSchema = z.discriminatedUnion('body', [
  z.object({ body: z.literal('welcome'), welcome: welcomeSchema }),
  z.object({ body: z.literal('command'), command: commandSchema }),
  z.object({ body: z.literal('lease'), lease: leaseSchema }),
]);

/** Human-readable first problem of a failed parse: `report.mysql.serverId: Too big`. */
export function schemaProblem(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'invalid message';
  return `${i.path.map(String).join('.') || '(message)'}: ${i.message}`;
}
