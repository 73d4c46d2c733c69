import {
  callerIdentity,
  channelCredentials,
  createLogger,
  grpc,
  readTlsMaterial,
  SERVER_OPTIONS,
  serverCredentials,
  serviceDefinition,
  tlsChannelOptions,
  type CoordinatorConfig,
  type Logger,
  type TlsMaterial,
} from '@whmcs-ha/shared';
import { AgentLinkServer } from '../agent-link/agent-link-server.js';
import { lbTargets } from '../engine/cluster-state.js';
import type { EngineConfig, NodeObservation } from '../engine/node-health.js';
import { HaproxyWriter } from '../lb/haproxy-writer.js';
import type { LbWriter } from '../lb/lb-writer.js';
import { NginxWriter } from '../lb/nginx-writer.js';
import { dashboardTokens, HttpServices } from '../observability/http-services.js';
import { createRaftNode } from '../raft/driver/raft-node-factory.js';
import type { RaftNode } from '../raft/driver/raft-node.js';
import { guardService, raftSenderCheck } from './access-policy.js';
import { ControlService } from './control-service.js';
import { Executor } from './executor.js';
import { LbApplier } from './lb-applier.js';
import { PeerViews } from './peer-views.js';
import { LeaderLoop } from './leader-loop.js';
import { NodeProber } from './node-prober.js';
import type { AgentPort, Consensus } from './ports.js';
import { ReplicatedState } from './replicated-state.js';
import { buildStatus, type ClusterStatus, type RaftView } from './status.js';

/**
 * One coordinator process: a Raft voter, the agents' stream endpoint, the
 * control API, the leader's decision loop, and (on a load balancer) the LB
 * applier. All three gRPC services share one port.
 */
export class Coordinator {
  readonly logger: Logger;
  readonly state: ReplicatedState;
  readonly engine: EngineConfig;
  readonly raft: RaftNode;
  /** the Raft gRPC service (the transport's receiving end), served on the one port */
  readonly raftService: grpc.UntypedServiceImplementation;
  readonly links: AgentLinkServer;
  readonly consensus: Consensus;
  readonly agents: AgentPort;
  readonly prober: NodeProber;
  readonly executor: Executor;
  readonly loop: LeaderLoop;
  readonly peerViews: PeerViews;
  readonly lb: LbApplier | null;
  readonly control: ControlService;
  private server: grpc.Server | null = null;
  /** mTLS material (checked at construction: a bad tls section stops start-up with exit 2); null only with insecure: true */
  readonly tls: TlsMaterial | null;
  /** calls refused by the access policy since start, by service.method */
  readonly refusals = new Map<string, number>();
  /** /metrics and the dashboard, when configured */
  http: HttpServices | null = null;
  boundPort = 0;

  constructor(readonly cfg: CoordinatorConfig, logger?: Logger) {
    this.logger = logger ?? createLogger(`coordinator:${cfg.id}`);
    this.tls = cfg.tls ? readTlsMaterial(cfg.tls, { roles: ['coordinator'], name: cfg.id }, cfg.source) : null;
    const tls = this.tls;
    this.engine = {
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
    this.state = new ReplicatedState(cfg.cluster.blockSeconds);
    const raft = createRaftNode({
      id: cfg.id,
      peers: cfg.peers,
      dataDir: cfg.dataDir,
      tickMs: cfg.raft.tickMs,
      electionTicks: cfg.raft.electionTicks,
      heartbeatTicks: cfg.raft.heartbeatTicks,
      snapshotEvery: cfg.raft.snapshotEvery,
      stateMachine: this.state,
      logger: this.logger.child({ part: 'raft' }),
      ...(tls ? { credentials: (peer: string) => channelCredentials(tls, { name: peer }) } : {}),
    });
    this.raft = raft.node;
    this.raftService = raft.transport.implementation();
    this.links = new AgentLinkServer({
      coordinatorId: cfg.id,
      leadership: () => {
        const s = this.raft.status();
        return { leader: s.role === 'leader', term: s.term };
      },
      logger: this.logger.child({ part: 'agent-link' }),
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
    this.consensus = this.raft;
    this.agents = {
      latest: (node) => {
        const s = this.links.node(node);
        return s?.report ? { report: s.report, receivedAt: s.receivedAtMs } : null;
      },
      connected: (node) => Boolean(this.links.node(node)?.connected),
      sendCommand: (node, cmd, timeoutMs) => this.links.sendCommand(node, cmd, timeoutMs),
      sendLease: (node, lease) => this.links.sendLease(node, lease),
    };
    this.prober = new NodeProber(
      Object.fromEntries(cfg.nodes.map((n) => [n.name, n.healthUrl])),
      Math.max(250, Math.floor(cfg.cluster.failureThresholdMs / 5)),
      Math.max(500, Math.floor(cfg.cluster.failureThresholdMs / 3)),
    );
    const lbNodes = cfg.nodes.map((n) => ({ name: n.name, upstream: n.upstream }));
    this.lb = cfg.lb ? new LbApplier(lbWriterFor(cfg.lb), lbNodes, this.logger.child({ part: 'lb' })) : null;
    this.executor = new Executor({
      consensus: this.consensus,
      agents: this.agents,
      logger: this.logger.child({ part: 'executor' }),
      rsyncUrls: Object.fromEntries(cfg.nodes.map((n) => [n.name, n.rsyncUrl])),
      hooks: { preFailover: cfg.hooks.preFailover, postFailover: cfg.hooks.postFailover },
      commandTimeoutMs: 5000,
      // a failover's fence of a node believed dead is best effort (the LB and the lease fence it): do
      // not let an unreachable node's silence add more than half the failure threshold to the outage
      failoverFenceTimeoutMs: Math.min(2500, Math.max(500, Math.floor(cfg.cluster.failureThresholdMs / 2))),
      catchUpTimeoutMs: cfg.cluster.catchUpTimeoutMs,
      syncTimeoutMs: 120_000,
      currentOperation: () => this.state.state.operation,
      waitForLb: (targets, timeoutMs) => (this.lb ? this.lb.waitFor(targets, timeoutMs) : Promise.resolve(true)),
    });
    // every coordinator reads the others' status: a leader without an LB borrows the LB's probes, and any
    // leader learns of an active's semi-sync fallback that only a peer still hears (peer-views.ts)
    this.peerViews = new PeerViews(
      cfg.peers.filter((p) => p.id !== cfg.id),
      (peer) => channelCredentials(tls, { name: peer }),
      tlsChannelOptions(tls),
      1000,
      Math.max(2000, 4 * cfg.cluster.cycleMs),
    );
    this.loop = new LeaderLoop({
      engine: this.engine,
      consensus: this.consensus,
      agents: this.agents,
      prober: this.prober,
      state: this.state,
      executor: this.executor,
      logger: this.logger.child({ part: 'decide' }),
      cycleMs: cfg.cluster.cycleMs,
      leaseMs: cfg.cluster.leaseMs,
      peerViews: this.peerViews,
      ownLb: Boolean(cfg.lb),
    });
    this.control = new ControlService(this, this.logger.child({ part: 'control' }));
    this.state.on('change', (s) => this.lb?.onState(s));
    this.raft.on('role', () => this.links.announceLeadership());
  }

  raftStatus(): RaftView {
    const s = this.raft.status();
    return {
      id: s.id,
      role: s.role,
      term: s.term,
      commitIndex: s.commitIndex,
      leaderId: s.leaderId,
      leaseValid: s.leaseValid,
      peers: s.peers.map((p) => ({ id: p.id, matchIndex: p.matchIndex, reachable: p.reachable, lastContactMs: p.lastContactMs })),
    };
  }

  peerAddress(id: string): string | undefined {
    return this.cfg.peers.find((p) => p.id === id)?.address;
  }

  observations(): NodeObservation[] {
    return this.loop.observations();
  }

  status(): ClusterStatus {
    return buildStatus({
      state: this.state.state,
      raft: this.raftStatus(),
      nodes: this.observations(),
      engine: this.engine,
      lastDecision: this.loop.last,
      lb: this.lb
        ? {
            coordinator: this.cfg.id,
            kind: this.cfg.lb!.kind,
            applied: this.lb.current(),
            wanted: lbTargets(this.state.state),
            lastError: this.lb.lastError,
            lastApplyMs: this.lb.lastApplyMs,
          }
        : null,
      now: Date.now(),
    });
  }

  async start(): Promise<void> {
    // a bad token file is a bad config: refused before anything listens
    const tokens = dashboardTokens(this.cfg);
    const server = new grpc.Server(SERVER_OPTIONS);
    // with TLS every handler first checks the caller's certificate (access-policy.ts); insecure: true serves them bare
    const guard = (service: 'Raft' | 'AgentLink' | 'Control', impl: grpc.UntypedServiceImplementation) =>
      this.tls
        ? guardService(impl, {
            service,
            logger: this.logger.child({ part: 'access' }),
            ...(service === 'Raft' ? { check: raftSenderCheck } : {}),
            onRefuse: (method) => this.refusals.set(`${service}.${method}`, (this.refusals.get(`${service}.${method}`) ?? 0) + 1),
          })
        : impl;
    server.addService(serviceDefinition('Raft'), guard('Raft', this.raftService));
    server.addService(serviceDefinition('AgentLink'), guard('AgentLink', this.links.grpcImplementation()));
    server.addService(serviceDefinition('Control'), guard('Control', this.control.implementation()));
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.cfg.listen, serverCredentials(this.tls), (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    await this.raft.start();
    this.prober.start();
    this.loop.start();
    this.http = await HttpServices.start(this, tokens);
    this.logger.info({ listen: this.cfg.listen, peers: this.cfg.voters, lb: Boolean(this.lb), tls: Boolean(this.tls) }, 'coordinator started');
  }

  async stop(): Promise<void> {
    await this.http?.stop();
    this.loop.stop();
    this.peerViews.close();
    this.prober.stop();
    this.links.close();
    await this.raft.stop();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.tryShutdown(() => resolve());
      setTimeout(() => {
        this.server?.forceShutdown();
        resolve();
      }, 2000).unref();
    });
  }
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

export type { ClusterStatus };
