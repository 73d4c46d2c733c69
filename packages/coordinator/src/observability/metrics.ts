import type { ClusterStatus } from '@whmcs-ha/shared';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RaftView } from '../cluster/status.js';

/** What the metrics read at scrape time: the coordinator's own views, never a cached copy. */
export interface MetricsSource {
  raft(): RaftView;
  status(): ClusterStatus;
  /** calls the access policy refused, by `Service.Method` (docs/security.md) */
  refusals?(): ReadonlyMap<string, number>;
}

export const RAFT_ROLES = ['leader', 'follower', 'candidate', 'pre-candidate'] as const;

/**
 * The coordinator's Prometheus metrics. Gauges are filled from the live
 * status at each scrape (collect), so they can never drift from what
 * `whmcs-hactl status` shows; only the LB apply histogram is fed by events.
 */
export class CoordinatorMetrics {
  readonly registry = new Registry();
  readonly lbApplySeconds: Histogram;

  constructor(source: MetricsSource, coordinatorId: string) {
    const r = this.registry;
    r.setDefaultLabels({ coordinator: coordinatorId });
    new Gauge({
      name: 'whmcs_ha_raft_role',
      help: 'Raft role of this coordinator: 1 for the current role, 0 for the others',
      labelNames: ['role'],
      registers: [r],
      collect() {
        const role = source.raft().role;
        for (const x of new Set<string>([...RAFT_ROLES, role])) this.set({ role: x }, x === role ? 1 : 0);
      },
    });
    new Gauge({
      name: 'whmcs_ha_raft_term',
      help: 'Current Raft term',
      registers: [r],
      collect() {
        this.set(source.raft().term);
      },
    });
    new Gauge({
      name: 'whmcs_ha_raft_commit_index',
      help: 'Raft commit index',
      registers: [r],
      collect() {
        this.set(source.raft().commitIndex);
      },
    });
    new Gauge({
      name: 'whmcs_ha_raft_lease_valid',
      help: '1 when this coordinator is the leader with a valid lease (may act and send cron leases)',
      registers: [r],
      collect() {
        const s = source.raft();
        this.set(s.role === 'leader' && s.leaseValid ? 1 : 0);
      },
    });
    new Gauge({
      name: 'whmcs_ha_epoch',
      help: 'Fencing epoch of the committed cluster state',
      registers: [r],
      collect() {
        this.set(source.status().epoch);
      },
    });
    new Gauge({
      name: 'whmcs_ha_paused',
      help: '1 when automatic decisions are paused',
      registers: [r],
      collect() {
        this.set(source.status().paused ? 1 : 0);
      },
    });
    new Counter({
      name: 'whmcs_ha_failovers_total',
      help: 'Failovers completed (from the replicated state, so the same on every coordinator)',
      registers: [r],
      collect() {
        // the replicated count only grows; a counter cannot be set, so it is rebuilt from it
        this.reset();
        this.inc(source.status().failoversTotal);
      },
    });
    new Gauge({
      name: 'whmcs_ha_last_failover_duration_seconds',
      help: 'Duration of the last failover, from decision to the new writer serving (0 before the first)',
      registers: [r],
      collect() {
        this.reset();
        const d = source.status().lastFailover?.durationMs;
        if (typeof d === 'number') this.set(d / 1000);
      },
    });
    new Gauge({
      name: 'whmcs_ha_node_healthy',
      help: '1 when the node is healthy by its agent report and the probe',
      labelNames: ['node'],
      registers: [r],
      collect() {
        this.reset();
        for (const n of source.status().nodes) this.set({ node: n.name }, n.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'whmcs_ha_node_active',
      help: '1 for the node that takes writes',
      labelNames: ['node'],
      registers: [r],
      collect() {
        this.reset();
        const s = source.status();
        for (const n of s.nodes) this.set({ node: n.name }, s.active === n.name ? 1 : 0);
      },
    });
    new Gauge({
      name: 'whmcs_ha_node_report_age_seconds',
      help: "Age of the latest agent report this coordinator holds (absent when it has none)",
      labelNames: ['node'],
      registers: [r],
      collect() {
        this.reset();
        for (const n of source.status().nodes) if (n.lastReportAgeMs !== null) this.set({ node: n.name }, n.lastReportAgeMs / 1000);
      },
    });
    if (source.refusals) {
      const refusals = source.refusals.bind(source);
      new Counter({
        name: 'whmcs_ha_refused_calls_total',
        help: 'gRPC calls refused by the access policy (wrong role, no identity, speaking for another)',
        labelNames: ['method'],
        registers: [r],
        collect() {
          this.reset();
          for (const [method, n] of refusals()) this.inc({ method }, n);
        },
      });
    }
    this.lbApplySeconds = new Histogram({
      name: 'whmcs_ha_lb_apply_duration_seconds',
      help: 'Time to apply a load balancer change (render, test, swap, reload, verify)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [r],
    });
  }

  /** Hook for LbApplier.onApplied. */
  observeLbApply(durationMs: number): void {
    this.lbApplySeconds.observe(durationMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
