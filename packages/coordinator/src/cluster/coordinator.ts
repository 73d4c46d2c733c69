import { createLogger, grpc, SERVER_OPTIONS, serverCredentials, serviceDefinition, type CoordinatorConfig, type Logger, type TlsMaterial } from '@whmcs-ha/shared';
import type { AgentLinkServer } from '../agent-link/agent-link-server.js';
import type { NodeObservation } from '../engine/node-health.js';
import { HttpServices } from '../observability/http-services.js';
import type { RaftNode } from '../raft/driver/raft-node.js';
import { guardService, raftSenderCheck } from './access-policy.js';
import { compose, type CoordinatorParts } from './compose.js';
import type { ControlService } from './control-service.js';
import { peerViewService } from './peer-view-service.js';
import type { ReplicatedState } from './replicated-state.js';
import type { ClusterStatus, RaftView } from './status.js';

/**
 * One coordinator process: a Raft voter, the agents' stream endpoint, the
 * control API, the leader's decision loop, and (on a load balancer) the LB
 * applier. compose.ts builds and wires the parts; this class owns their
 * lifecycle (start in order, stop in reverse) and the one gRPC server that
 * carries all four services on one port.
 */
export class Coordinator {
  readonly logger: Logger;
  readonly state: ReplicatedState;
  readonly raft: RaftNode;
  readonly links: AgentLinkServer;
  readonly control: ControlService;
  /** mTLS material; null only with insecure: true */
  readonly tls: TlsMaterial | null;
  /** calls refused by the access policy since start, by service.method */
  readonly refusals: Map<string, number>;
  /** /metrics and the dashboard, when configured (after start) */
  http: HttpServices | null = null;
  boundPort = 0;
  private readonly parts: CoordinatorParts;
  private server: grpc.Server | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly cfg: CoordinatorConfig,
    logger?: Logger,
  ) {
    const p = compose(cfg, logger ?? createLogger(`coordinator:${cfg.id}`));
    this.parts = p;
    this.logger = p.logger;
    this.tls = p.tls;
    this.state = p.state;
    this.raft = p.raft;
    this.links = p.links;
    this.control = p.control;
    this.refusals = p.refusals;
  }

  /**
   * A planned stop of the leader hands leadership to the most caught-up reachable voter first
   * (DESIGN §5), so the group has a leader the moment this one leaves instead of an election
   * timeout later. Best effort and bounded: a failed handover only costs that election.
   */
  private async handOverLeadership(): Promise<void> {
    const s = this.raft.status();
    if (s.role !== 'leader') return;
    const to = s.peers.filter((p) => p.reachable).sort((a, b) => b.matchIndex - a.matchIndex)[0];
    if (!to) {
      this.logger.warn('stopping as leader with no reachable voter to hand leadership to; the others elect one when they can');
      return;
    }
    const t0 = performance.now();
    // two election timeouts at most: longer than that, an election would have been quicker
    const timeoutMs = Math.min(2000, 2 * this.cfg.raft.electionTicks * this.cfg.raft.tickMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.raft.transferLeadership(to.id),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.logger.info({ to: to.id, ms: Math.round(performance.now() - t0) }, `stopping: leadership handed to ${to.id}`);
    } catch (e) {
      this.logger.warn({ to: to.id, err: (e as Error).message }, `stopping: could not hand leadership to ${to.id}; the others elect a leader`);
    } finally {
      clearTimeout(timer);
    }
  }

  raftStatus(): RaftView {
    return this.parts.raftStatus();
  }

  peerAddress(id: string): string | undefined {
    return this.parts.peerAddress(id);
  }

  observations(): NodeObservation[] {
    return this.parts.loop.observations();
  }

  status(): ClusterStatus {
    return this.parts.status();
  }

  async start(): Promise<void> {
    const server = new grpc.Server(SERVER_OPTIONS);
    // with TLS every handler first checks the caller's certificate (access-policy.ts); insecure: true serves them bare
    const guard = (service: 'Raft' | 'AgentLink' | 'Control' | 'Peer', impl: grpc.UntypedServiceImplementation) =>
      this.tls
        ? guardService(impl, {
            service,
            logger: this.logger.child({ part: 'access' }),
            ...(service === 'Raft' ? { check: raftSenderCheck } : {}),
            onRefuse: (method) => this.refusals.set(`${service}.${method}`, (this.refusals.get(`${service}.${method}`) ?? 0) + 1),
          })
        : impl;
    server.addService(serviceDefinition('Raft'), guard('Raft', this.parts.raftService));
    server.addService(serviceDefinition('AgentLink'), guard('AgentLink', this.links.grpcImplementation()));
    server.addService(serviceDefinition('Control'), guard('Control', this.control.implementation()));
    // the evidence the other coordinators' PeerViews ask for (peer-view-service.ts)
    server.addService(serviceDefinition('Peer'), guard('Peer', peerViewService({ observations: () => this.observations(), hasLb: Boolean(this.parts.lb) })));
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.cfg.listen, serverCredentials(this.tls), (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    await this.raft.start();
    this.parts.prober.start();
    this.parts.loop.start();
    this.http = await HttpServices.start(this.parts.http);
    this.logger.info({ listen: this.cfg.listen, peers: this.cfg.voters, lb: Boolean(this.parts.lb), tls: Boolean(this.tls) }, 'coordinator started');
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopParts();
    return this.stopping;
  }

  private async stopParts(): Promise<void> {
    await this.handOverLeadership();
    await this.http?.stop();
    this.parts.loop.stop();
    this.parts.peerViews.close();
    this.parts.prober.stop();
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


export type { ClusterStatus };
