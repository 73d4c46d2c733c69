/**
 * The status object of DESIGN §11: the one declaration of what the Control
 * service's Status RPC sends as JSON, what `whmcs-hactl status --json` prints,
 * and what the dashboard and the metrics read. A public contract: fields are
 * only ever added, never removed or renamed.
 *
 * Objects the status owns are loose: an hactl reading a newer coordinator
 * keeps (and prints) fields it does not know yet, while every field it knows is
 * checked. Objects the engine stores in the replicated state (an operation, an
 * excluded node, the last failover) are declared here as plain objects, so the
 * engine's reducer writes exactly these fields, and embedded in the status with
 * `.loose()`.
 *
 * Keys are in the order `buildStatus()` writes them: a parse returns the known
 * keys in schema order, so this keeps the JSON hactl prints byte-for-byte what
 * the coordinator sent.
 */
import { z } from 'zod';

/** A switchover or failover in progress (the engine's `Operation`; kind and step are strings on the wire so that an older hactl shows a step a newer engine adds). */
export const statusOperationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  /** the epoch this operation's writer holds; +1 over the previous at intent */
  epoch: z.number(),
  reason: z.string(),
  step: z.string(),
  startedAt: z.number(),
  /** automatic (decided by the engine) or ordered by an operator */
  automatic: z.boolean(),
  force: z.boolean(),
  /** GTID set of the old active after it was fenced: the switchover target must reach it */
  fencedGtid: z.string().nullable(),
});
export type StatusOperation = z.infer<typeof statusOperationSchema>;

/** A node kept out of the cluster, e.g. a returning old active with errant transactions. */
export const excludedNodeSchema = z.object({ reason: z.string(), errant: z.string(), at: z.number() });
export type ExcludedNode = z.infer<typeof excludedNodeSchema>;

export const lastFailoverSchema = z.object({ at: z.number(), durationMs: z.number().nullable(), from: z.string().nullable(), to: z.string() });
export type LastFailover = z.infer<typeof lastFailoverSchema>;

/** A coordinator's own load balancer: what it serves and why it could not apply. */
export const lbViewSchema = z.looseObject({
  coordinator: z.string(),
  kind: z.string(),
  /** the targets the LB was last written with; null before the first apply */
  applied: z.array(z.string()).nullable(),
  /** what committed state wants */
  wanted: z.array(z.string()),
  lastError: z.string().nullable(),
  lastApplyMs: z.number().nullable(),
});
export type LbView = z.infer<typeof lbViewSchema>;

export const statusCoordinatorSchema = z.looseObject({
  id: z.string(),
  role: z.string(),
  term: z.number().nullable(),
  commitIndex: z.number().nullable(),
  reachable: z.boolean(),
});

export const statusNodeSchema = z.looseObject({
  name: z.string(),
  role: z.string(),
  healthy: z.boolean(),
  problem: z.string().nullable(),
  lastReportAgeMs: z.number().nullable(),
  mysql: z.looseObject({
    up: z.boolean(),
    readOnly: z.boolean(),
    ioRunning: z.boolean(),
    sqlRunning: z.boolean(),
    lagSeconds: z.number().nullable(),
    gtidExecuted: z.string(),
    /** 'on': commits wait for the replica's receipt; 'async': enabled but fallen back (timed out); 'off': not enabled */
    semiSync: z.enum(['on', 'async', 'off']),
    serverId: z.number(),
    lastError: z.string(),
  }),
  phpFpm: z.looseObject({ up: z.boolean(), activeProcesses: z.number(), listenQueue: z.number() }),
  files: z.looseObject({ digest: z.string(), inSync: z.boolean().nullable(), syncing: z.boolean() }),
  /** this coordinator's HTTP probe of the node; null when it has none */
  probe: z.looseObject({ up: z.boolean(), error: z.string() }).nullable(),
});
export type StatusNode = z.infer<typeof statusNodeSchema>;

export const clusterStatusSchema = z.looseObject({
  mode: z.string(),
  active: z.string().nullable(),
  epoch: z.number(),
  paused: z.boolean(),
  pausedReason: z.string().nullable(),
  blockedUntil: z.number().nullable(),
  maintenance: z.array(z.string()),
  serving: z.array(z.string()),
  operation: statusOperationSchema.loose().nullable(),
  excluded: z.record(z.string(), excludedNodeSchema.loose()),
  leader: z.looseObject({ id: z.string().nullable(), term: z.number() }),
  /** whether the coordinator that answered is the leader (else a follower's view) */
  fromLeader: z.boolean(),
  answeredBy: z.string(),
  coordinators: z.array(statusCoordinatorSchema),
  nodes: z.array(statusNodeSchema),
  lastDecision: z.looseObject({ at: z.number(), sentence: z.string(), warnings: z.array(z.string()) }).nullable(),
  /** this coordinator's own load balancer, when it has one */
  lb: lbViewSchema.nullable(),
  failoversTotal: z.number(),
  lastFailover: lastFailoverSchema.loose().nullable(),
});
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;
