import {
  callerIdentity,
  channelCredentials,
  readTlsMaterial,
  tlsChannelOptions,
  type CoordinatorConfig,
  type grpc,
  type Logger,
  type TlsMaterial,
} from '@whmcs-ha/shared';
import { AgentLinkServer } from '../agent-link/agent-link-server.js';
import type { DoctorInput } from '../doctor/doctor.js';
import { lbTargets } from '../engine/cluster-state.js';
import type { EngineConfig } from '../engine/node-health.js';
import { HaproxyWriter } from '../lb/haproxy-writer.js';
import type { LbWriter } from '../lb/lb-writer.js';
import { NginxWriter } from '../lb/nginx-writer.js';
import { dashboardTokens, type HttpServicesDeps } from '../observability/http-services.js';
import { CoordinatorMetrics } from '../observability/metrics.js';
import { OperateForwarder } from '../dashboard/operate-forwarder.js';
import { createRaftNode } from '../raft/driver/raft-node-factory.js';
import type { RaftNode } from '../raft/driver/raft-node.js';
import { ControlService } from './control-service.js';
import { Executor } from './executor.js';
import { LbApplier } from './lb-applier.js';
import { LeaderLoop } from './leader-loop.js';
import { NodeProber } from './node-prober.js';
import { PeerViews } from './peer-views.js';
import type { AgentPort, Consensus } from './ports.js';
import { ReplicatedState } from './replicated-state.js';
import { buildStatus, type ClusterStatus, type RaftView } from './status.js';

/** Every part of one coordinator, built and wired by compose(); Coordinator starts and stops them. */
export interface CoordinatorParts {
  logger: Logger;
  /** mTLS material (checked here: a bad tls section stops start-up with exit 2); null only with insecure: true */
  tls: TlsMaterial | null;
  engine: EngineConfig;
  state: ReplicatedState;
  raft: RaftNode;
  /** the Raft gRPC service (the transport's receiving end), served on the one port */
  raftService: grpc.UntypedServiceImplementation;
  links: AgentLinkServer;
  consensus: Consensus;
  agents: AgentPort;
  prober: NodeProber;
  executor: Executor;
  loop: LeaderLoop;
  peerViews: PeerViews;
  lb: LbApplier | null;
  control: ControlService;
  metrics: CoordinatorMetrics | null;
  /** calls refused by the access policy since start, by service.method */
  refusals: Map<string, number>;
  raftStatus(): RaftView;
  status(): ClusterStatus;
  peerAddress(id: string): string | undefined;
  /** the HTTP endpoints' inputs; the dashboard's token files are read (and checked) here, before anything listens */
  http: HttpServicesDeps;
}

/**
 * The composition root: builds the parts from the config and wires them
 * together through narrow ports (Consensus, AgentPort, ControlDeps,
 * DashboardSource, MetricsSource). No part holds another part's owner or
 * reaches into its fields; every cross-part call is one of these closures.
 */
export function compose(cfg: CoordinatorConfig, logger: Logger): CoordinatorParts {
  const tls = cfg.tls ? readTlsMaterial(cfg.tls, { roles: ['coordinator'], name: cfg.id }, cfg.source) : null;
  // a bad token file is a bad config: refused before anything listens
  const tokens = dashboardTokens(cfg);
  const engine: EngineConfig = {
    mode: cfg.cluster.mode,
    initialActive: cfg.cluster.initialActive,
    nodes: cfg.nodes.map((n) => ({ name: n.name, priority: n.priority })),
    failureThresholdMs: cfg.cluster.failureThresholdMs,
    silentAfterMs: cfg.cluster.silentAfterMs,
    recoveryThreshold: cfg.cluster.recoveryThreshold,
    maxLagSeconds: cfg.cluster.maxLagSeconds,
    blockSeconds: cfg.cluster.blockSeconds,
    syncDebounceMs: cfg.cluster.syncDebounceMs,
  };
  const state = new ReplicatedState(cfg.cluster.blockSeconds);
  const { node: raft, transport: raftTransport } = createRaftNode({
    id: cfg.id,
    peers: cfg.peers,
    dataDir: cfg.dataDir,
    tickMs: cfg.raft.tickMs,
    electionTicks: cfg.raft.electionTicks,
    heartbeatTicks: cfg.raft.heartbeatTicks,
    snapshotEvery: cfg.raft.snapshotEvery,
    stateMachine: state,
    logger: logger.child({ part: 'raft' }),
    ...(tls ? { credentials: (peer: string) => channelCredentials(tls, { name: peer }) } : {}),
  });
  const raftStatus = (): RaftView => {
    const s = raft.status();
    return {
      id: s.id,
      role: s.role,
      term: s.term,
      commitIndex: s.commitIndex,
      leaderId: s.leaderId,
      leaseValid: s.leaseValid,
      peers: s.peers.map((p) => ({ id: p.id, matchIndex: p.matchIndex, reachable: p.reachable, lastContactMs: p.lastContactMs })),
    };
  };
  const consensus: Consensus = raft;

  const links = new AgentLinkServer({
    coordinatorId: cfg.id,
    leadership: () => {
      const s = raft.status();
      return { leader: s.role === 'leader', term: s.term };
    },
    logger: logger.child({ part: 'agent-link' }),
    // an agent speaks only for the node its certificate names
    ...(tls
      ? {
          authorizeHello: (stream: Parameters<typeof callerIdentity>[0], node: string) => {
            const id = callerIdentity(stream);
            if (id?.name !== node) return `Hello for ${node} from the certificate of ${id ? `${id.role} ${id.name}` : 'nobody'}`;
            return cfg.nodes.some((n) => n.name === node) ? null : `Hello for ${node}, which is not one of this cluster's nodes`;
          },
        }
      : {}),
  });
  raft.on('role', () => links.announceLeadership());
  const agents: AgentPort = {
    latest: (node) => {
      const s = links.node(node);
      return s?.report ? { report: s.report, receivedAt: s.receivedAtMs } : null;
    },
    connected: (node) => Boolean(links.node(node)?.connected),
    sendCommand: (node, cmd, timeoutMs) => links.sendCommand(node, cmd, timeoutMs),
    sendLease: (node, lease) => links.sendLease(node, lease),
  };

  const prober = new NodeProber(
    Object.fromEntries(cfg.nodes.map((n) => [n.name, n.healthUrl])),
    Math.max(250, Math.floor(cfg.cluster.failureThresholdMs / 5)),
    Math.max(500, Math.floor(cfg.cluster.failureThresholdMs / 3)),
  );

  // the metrics read the live status at scrape time (closures below); built first so the LB applier can feed its histogram
  const refusals = new Map<string, number>();
  let status: () => ClusterStatus = () => {
    throw new Error('status read before the coordinator was composed');
  };
  const metrics = cfg.metrics ? new CoordinatorMetrics({ raft: raftStatus, status: () => status(), refusals: () => refusals }, cfg.id) : null;
  const lbNodes = cfg.nodes.map((n) => ({ name: n.name, upstream: n.upstream }));
  const lb = cfg.lb ? new LbApplier(lbWriterFor(cfg.lb), lbNodes, logger.child({ part: 'lb' }), (ms) => metrics?.observeLbApply(ms)) : null;
  state.on('change', (s) => lb?.onState(s));

  const executor = new Executor({
    consensus,
    agents,
    logger: logger.child({ part: 'executor' }),
    rsyncUrls: Object.fromEntries(cfg.nodes.map((n) => [n.name, n.rsyncUrl])),
    hooks: { preFailover: cfg.hooks.preFailover, postFailover: cfg.hooks.postFailover },
    commandTimeoutMs: 5000,
    // a failover's fence of a node believed dead is best effort (the LB and the lease fence it): do
    // not let an unreachable node's silence add more than half the failure threshold to the outage
    failoverFenceTimeoutMs: Math.min(2500, Math.max(500, Math.floor(cfg.cluster.failureThresholdMs / 2))),
    catchUpTimeoutMs: cfg.cluster.catchUpTimeoutMs,
    syncTimeoutMs: 120_000,
    currentOperation: () => state.state.operation,
    waitForLb: (targets, timeoutMs) => (lb ? lb.waitFor(targets, timeoutMs) : Promise.resolve(true)),
  });
  // every coordinator asks the others' Peer service: a leader without an LB borrows the LB's probes, and any
  // leader learns of an active's semi-sync fallback that only a peer still hears (peer-views.ts)
  const peerViews = new PeerViews(
    cfg.peers.filter((p) => p.id !== cfg.id),
    (peer) => channelCredentials(tls, { name: peer }),
    tlsChannelOptions(tls),
    1000,
    Math.max(2000, 4 * cfg.cluster.cycleMs),
  );
  const loop = new LeaderLoop({
    engine,
    consensus,
    agents,
    prober,
    state,
    executor,
    logger: logger.child({ part: 'decide' }),
    cycleMs: cfg.cluster.cycleMs,
    leaseMs: cfg.cluster.leaseMs,
    peerViews,
    ownLb: Boolean(cfg.lb),
  });

  status = () =>
    buildStatus({
      state: state.state,
      raft: raftStatus(),
      nodes: loop.observations(),
      engine,
      lastDecision: loop.last,
      lb:
        lb && cfg.lb
          ? {
              coordinator: cfg.id,
              kind: cfg.lb.kind,
              applied: lb.current(),
              wanted: lbTargets(state.state),
              lastError: lb.lastError,
              lastApplyMs: lb.lastApplyMs,
            }
          : null,
      now: Date.now(),
    });
  const peerAddress = (id: string) => cfg.peers.find((p) => p.id === id)?.address;

  const control = new ControlService(
    {
      id: cfg.id,
      consensus,
      state: () => state.state,
      onStateChange: (listener) => subscribe(state, listener),
      status: () => status(),
      observations: () => loop.observations(),
      engine,
      doctorInput: () => doctorInput(cfg, engine, state, agents),
      peerAddress,
    },
    logger.child({ part: 'control' }),
  );

  const dashboard: HttpServicesDeps['dashboard'] =
    cfg.dashboard && tokens
      ? (() => {
          // a dashboard switchover goes to the leader: planned here when this coordinator leads, else forwarded
          const forwarder = new OperateForwarder((req, by) => control.operate(req, by), 10_000, channelCredentials(tls), tlsChannelOptions(tls));
          return {
            listen: cfg.dashboard.listen,
            tokens,
            source: {
              status: () => status(),
              history: (limit) => state.state.history.slice(-limit),
              onChange: (listener) => subscribe(state, listener),
              operate: (req, by) => forwarder.operate(req, by),
            },
          };
        })()
      : null;

  return {
    logger,
    tls,
    engine,
    state,
    raft,
    raftService: raftTransport.implementation(),
    links,
    consensus,
    agents,
    prober,
    executor,
    loop,
    peerViews,
    lb,
    control,
    metrics,
    refusals,
    raftStatus,
    status: () => status(),
    peerAddress,
    http: { metrics: metrics && cfg.metrics ? { metrics, listen: cfg.metrics.listen } : null, dashboard, logger },
  };
}

function subscribe(state: ReplicatedState, listener: () => void): () => void {
  state.on('change', listener);
  return () => state.off('change', listener);
}

/** The doctor's input: this coordinator's latest report of every node (agents report to every coordinator). */
function doctorInput(cfg: CoordinatorConfig, engine: EngineConfig, state: ReplicatedState, agents: AgentPort, now = Date.now()): DoctorInput {
  const s = state.state;
  const verify = cfg.lb?.verifyUrl;
  return {
    nodes: cfg.nodes.map((n) => {
      const l = agents.latest(n.name);
      return { name: n.name, report: l?.report ?? null, reportAgeMs: l ? now - l.receivedAt : null };
    }),
    voters: cfg.voters,
    mode: s.initialized ? s.mode : engine.mode,
    active: s.active,
    maintenance: s.maintenance,
    semiSync: cfg.cluster.semiSync,
    lbAddresses: verify ? [new URL(verify).hostname] : [],
  };
}

/** One backend per file behind LbWriter; the config's `lb.kind` picks it. */
function lbWriterFor(lb: NonNullable<CoordinatorConfig['lb']>): LbWriter {
  if (lb.kind === 'haproxy') {
    return new HaproxyWriter({
      socket: lb.haproxySocket!,
      backend: lb.haproxyBackend!,
      configFile: lb.haproxyConfig,
      haproxyBinary: lb.haproxyBinary,
      verifyUrl: lb.verifyUrl,
    });
  }
  return new NginxWriter({
    upstreamFile: lb.upstreamFile!,
    upstreamName: lb.upstreamName,
    nginxBinary: lb.nginxBinary,
    nginxConfig: lb.nginxConfig,
    nginxArgs: lb.nginxArgs,
    verifyUrl: lb.verifyUrl,
  });
}
