/**
 * The proto messages as @grpc/proto-loader decodes them (camelCase fields, longs as numbers, defaults
 * filled, the oneof's member name in the field named after the oneof): the `*__Output` types generated
 * from proto/whmcsha/v1/*.proto into generated/ (pnpm proto:gen), under the names the code uses. A
 * decoded value is also a valid value to send, so one name serves both directions.
 */

import { z } from 'zod';
import type { AgentMessage__Output as AgentMessage } from './generated/whmcsha/v1/AgentMessage.js';
import type { CheckReply__Output as CheckReply } from './generated/whmcsha/v1/CheckReply.js';
import type { Command__Output as Command } from './generated/whmcsha/v1/Command.js';
import type { CommandResult__Output as CommandResult } from './generated/whmcsha/v1/CommandResult.js';
import type { CoordinatorMessage__Output as CoordinatorMessage } from './generated/whmcsha/v1/CoordinatorMessage.js';
import type { Empty__Output as Empty } from './generated/whmcsha/v1/Empty.js';
import type { FilesState__Output as FilesState } from './generated/whmcsha/v1/FilesState.js';
import type { Hello__Output as Hello } from './generated/whmcsha/v1/Hello.js';
import type { HistoryReply__Output as HistoryReply } from './generated/whmcsha/v1/HistoryReply.js';
import type { HistoryRequest__Output as HistoryRequest } from './generated/whmcsha/v1/HistoryRequest.js';
import type { HttpState__Output as HttpState } from './generated/whmcsha/v1/HttpState.js';
import type { Lease__Output as Lease } from './generated/whmcsha/v1/Lease.js';
import type { MysqlState__Output as MysqlState } from './generated/whmcsha/v1/MysqlState.js';
import type { OperateReply__Output as OperateReply } from './generated/whmcsha/v1/OperateReply.js';
import type { OperateRequest__Output as OperateRequest } from './generated/whmcsha/v1/OperateRequest.js';
import type { PeerMysqlUp__Output as PeerMysqlUp } from './generated/whmcsha/v1/PeerMysqlUp.js';
import type { PeerNodeView__Output as PeerNodeView } from './generated/whmcsha/v1/PeerNodeView.js';
import type { PeerProbe__Output as PeerProbe } from './generated/whmcsha/v1/PeerProbe.js';
import type { PeerView__Output as PeerView } from './generated/whmcsha/v1/PeerView.js';
import type { PhpFpmState__Output as PhpFpmState } from './generated/whmcsha/v1/PhpFpmState.js';
import type { RaftBatch__Output as RaftBatch } from './generated/whmcsha/v1/RaftBatch.js';
import type { RaftEntry__Output as RaftEntry } from './generated/whmcsha/v1/RaftEntry.js';
import type { RaftMessage as RaftMessageInput, RaftMessage__Output as RaftMessage } from './generated/whmcsha/v1/RaftMessage.js';
import type { RaftSnapshot__Output as RaftSnapshot } from './generated/whmcsha/v1/RaftSnapshot.js';
import type { ReplicaState__Output as ReplicaState } from './generated/whmcsha/v1/ReplicaState.js';
import type { Report__Output as Report } from './generated/whmcsha/v1/Report.js';
import type { SemiSyncState__Output as SemiSyncState } from './generated/whmcsha/v1/SemiSyncState.js';
import type { StatusReply__Output as StatusReply } from './generated/whmcsha/v1/StatusReply.js';
import type { StopReplica__Output as StopReplica } from './generated/whmcsha/v1/StopReplica.js';
import type { SyncFilesFrom__Output as SyncFilesFrom } from './generated/whmcsha/v1/SyncFilesFrom.js';
import type { WaitForGtid__Output as WaitForGtid } from './generated/whmcsha/v1/WaitForGtid.js';
import type { WatchEvent__Output as WatchEvent } from './generated/whmcsha/v1/WatchEvent.js';
import type { Welcome__Output as Welcome } from './generated/whmcsha/v1/Welcome.js';
import type { WhmcsState__Output as WhmcsState } from './generated/whmcsha/v1/WhmcsState.js';

export type {
  AgentMessage,
  CheckReply,
  Command,
  CommandResult,
  CoordinatorMessage,
  Empty,
  FilesState,
  Hello,
  HistoryReply,
  HistoryRequest,
  HttpState,
  Lease,
  MysqlState,
  OperateReply,
  OperateRequest,
  PeerMysqlUp,
  PeerNodeView,
  PeerProbe,
  PeerView,
  PhpFpmState,
  RaftBatch,
  RaftEntry,
  RaftMessage,
  RaftSnapshot,
  ReplicaState,
  Report,
  SemiSyncState,
  StatusReply,
  StopReplica,
  SyncFilesFrom,
  WaitForGtid,
  WatchEvent,
  Welcome,
  WhmcsState,
};

/** A Raft message as a sender may give it (bytes as any Uint8Array; the decoded shape has Buffers). */
export type { RaftMessageInput };

/** The member of Command's `kind` oneof: setReadOnly, setWritable, ... */
export type CommandKind = NonNullable<Command['kind']>;

// ---------------------------------------------------------------------------
// zod schemas of the AgentLink messages: every message that crosses the
// agent <-> coordinator stream is checked on arrival (DESIGN §10), so a
// malformed or hostile message is refused, never trusted. Each is written
// against its generated type (`satisfies z.ZodType<T>`): a field the proto
// gains, loses or retypes breaks the build here, not in production.

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
}) satisfies z.ZodType<ReplicaState>;

export const semiSyncStateSchema = z.object({
  primaryEnabled: z.boolean(),
  replicaEnabled: z.boolean(),
  primaryStatus: z.boolean(),
  replicaStatus: z.boolean(),
  primaryClients: u32,
}) satisfies z.ZodType<SemiSyncState>;

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
}) satisfies z.ZodType<MysqlState>;

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
  // the decoder fills '' and false for an agent that predates these fields
  pingPath: text(4096),
  statusPath: text(4096),
  pingOk: z.boolean(),
  statusOk: z.boolean(),
}) satisfies z.ZodType<PhpFpmState>;

export const whmcsStateSchema = z.object({
  configDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
  configError: text(4096),
  sessionHandling: text(255),
  templatesDir: text(4096),
  templatesExcluded: z.boolean(),
}) satisfies z.ZodType<WhmcsState>;

export const httpStateSchema = z.object({ up: z.boolean(), status: u32, latencyMs: finite, error: text(4096) }) satisfies z.ZodType<HttpState>;

export const filesStateSchema = z.object({
  rootDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
  fileCount: u64,
  totalBytes: u64,
  scannedAtMs: i64,
  error: text(4096),
  ready: z.boolean(),
}) satisfies z.ZodType<FilesState>;

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
  // null for an agent that predates the field (the decoder sets an absent message field to null)
  whmcs: whmcsStateSchema.nullable(),
}) satisfies z.ZodType<Report>;

export const helloSchema = z.object({ node: nodeName, agentVersion: text(64), highestEpoch: u64 }) satisfies z.ZodType<Hello>;

export const commandResultSchema = z.object({
  id: z.string().min(1).max(128),
  node: nodeName,
  epoch: u64,
  ok: z.boolean(),
  error: text(4096),
  durationMs: finite.min(0),
  detail: text(65536),
}) satisfies z.ZodType<CommandResult>;

export const agentMessageSchema = z.discriminatedUnion('body', [
  z.object({ body: z.literal('hello'), hello: helloSchema }),
  z.object({ body: z.literal('report'), report: reportSchema }),
  z.object({ body: z.literal('result'), result: commandResultSchema }),
]) satisfies z.ZodType<AgentMessage>;

export const welcomeSchema = z.object({ coordinatorId: text(63).min(1), leader: z.boolean(), term: u64 }) satisfies z.ZodType<Welcome>;

const emptySchema = z.object({}).strict() satisfies z.ZodType<Empty>;

const stopReplicaSchema = z.object({ disconnectReplicas: z.boolean() }).strict() satisfies z.ZodType<StopReplica>;

const waitForGtidSchema = z.object({ gtidSet: text(65536), timeoutMs: u32.min(1).max(3_600_000) }) satisfies z.ZodType<WaitForGtid>;

const syncFilesFromSchema = z.object({
  sourceNode: nodeName,
  // an rsync source: never an option (leading dash), never empty
  sourceUrl: z.string().min(1).max(4096).regex(/^[^-\s][^\0\n]*$/, 'must be an rsync source, not an option'),
  expectedDigest: z.string().regex(/^([0-9a-f]{64})?$/, 'must be a sha256 hex digest'),
}) satisfies z.ZodType<SyncFilesFrom>;

export const commandSchema = z
  .object({
    id: z.string().min(1).max(128),
    term: u64,
    epoch: u64,
    node: nodeName,
    kind: z.enum(['setReadOnly', 'setWritable', 'stopReplica', 'startReplica', 'waitForGtid', 'syncFilesFrom']),
    setReadOnly: emptySchema.nullish(),
    setWritable: emptySchema.nullish(),
    stopReplica: stopReplicaSchema.nullish(),
    startReplica: emptySchema.nullish(),
    waitForGtid: waitForGtidSchema.nullish(),
    syncFilesFrom: syncFilesFromSchema.nullish(),
  })
  .refine((c) => c[c.kind] !== null && c[c.kind] !== undefined, { message: 'the field named by kind is missing', path: ['kind'] }) satisfies z.ZodType<Command>;

export const leaseSchema = z.object({ node: nodeName, epoch: u64, term: u64, durationMs: u32.min(1) }) satisfies z.ZodType<Lease>;

export const coordinatorMessageSchema = z.discriminatedUnion('body', [
  z.object({ body: z.literal('welcome'), welcome: welcomeSchema }),
  z.object({ body: z.literal('command'), command: commandSchema }),
  z.object({ body: z.literal('lease'), lease: leaseSchema }),
]) satisfies z.ZodType<CoordinatorMessage>;

// A oneof's members are optional in the generated types, so `satisfies` cannot see one left out of a
// schema: these fail to compile with the name of the missing member (or command kind).
type Assert<T extends true> = T;
type AnyKey<T> = T extends unknown ? keyof T : never;
type Uncovered<Names, Schema extends z.ZodType> = [Exclude<Names, AnyKey<z.output<Schema>>>] extends [never] ? true : Exclude<Names, AnyKey<z.output<Schema>>>;
type Unlisted<Names, Listed> = [Exclude<Names, Listed>] extends [never] ? true : Exclude<Names, Listed>;
type OneofsCovered = [
  Assert<Uncovered<keyof AgentMessage, typeof agentMessageSchema>>,
  Assert<Uncovered<keyof CoordinatorMessage, typeof coordinatorMessageSchema>>,
  Assert<Uncovered<keyof Command, typeof commandSchema>>,
  Assert<Unlisted<CommandKind, z.output<typeof commandSchema>['kind']>>,
];

// ---------------------------------------------------------------------------
// The Peer service's reply (peer.proto): another coordinator's view of the
// nodes, checked by the coordinator that asked (another process's word).

const peerNodeViewSchema = z.object({
  name: nodeName,
  probe: (z.object({ up: z.boolean(), error: text(4096) }) satisfies z.ZodType<PeerProbe>).nullable(),
  mysql: (z.object({ ageMs: u64, gtidExecuted: text(65536), semiSyncOff: z.boolean() }) satisfies z.ZodType<PeerMysqlUp>).nullable(),
}) satisfies z.ZodType<PeerNodeView>;

export const peerViewSchema = z.object({
  hasLb: z.boolean(),
  // as many as the peer's config names (the config sets no limit; the message size cap does)
  nodes: z.array(peerNodeViewSchema),
}) satisfies z.ZodType<PeerView>;

/** Human-readable first problem of a failed parse: `report.mysql.serverId: Too big`. */
export function schemaProblem(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'invalid message';
  return `${i.path.map(String).join('.') || '(message)'}: ${i.message}`;
}
