import { channelCredentials, tlsChannelOptions, type CoordinatorConfig } from '@whmcs-ha/shared';
import type { Coordinator } from '../cluster/coordinator.js';
import { DashboardServer, type DashboardTokens } from '../dashboard/dashboard-server.js';
import { OperateForwarder } from '../dashboard/operate-forwarder.js';
import { BearerToken } from '../dashboard/bearer-token.js';
import { CoordinatorMetrics } from './metrics.js';
import { MetricsServer } from './metrics-server.js';

/** The dashboard's token files, read (and their modes checked) before the coordinator binds anything. */
export function dashboardTokens(cfg: CoordinatorConfig): DashboardTokens | null {
  const d = cfg.dashboard;
  if (!d) return null;
  return {
    operator: d.operatorTokenFile ? BearerToken.load(d.operatorTokenFile, 'dashboard.operatorTokenFile', cfg.source) : null,
    viewer: d.viewerTokenFile ? BearerToken.load(d.viewerTokenFile, 'dashboard.viewerTokenFile', cfg.source) : null,
  };
}

/** The coordinator's optional HTTP endpoints: /metrics (metrics.listen) and the dashboard (dashboard.listen). */
export class HttpServices {
  private constructor(
    readonly metrics: MetricsServer | null,
    readonly dashboard: DashboardServer | null,
  ) {}

  static async start(c: Coordinator, tokens = dashboardTokens(c.cfg)): Promise<HttpServices> {
    const cfg = c.cfg;
    let metrics: MetricsServer | null = null;
    let dashboard: DashboardServer | null = null;
    try {
      if (cfg.metrics) {
        const m = new CoordinatorMetrics({ raft: () => c.raftStatus(), status: () => c.status(), refusals: () => c.refusals }, cfg.id);
        if (c.lb) c.lb.onApplied = (ms) => m.observeLbApply(ms);
        metrics = new MetricsServer(m, cfg.metrics.listen, c.logger.child({ part: 'metrics' }));
        await metrics.start();
      }
      if (cfg.dashboard && tokens) {
        const forwarder = new OperateForwarder((req, by) => c.control.operate(req, by), 10_000, channelCredentials(c.tls), tlsChannelOptions(c.tls));
        dashboard = new DashboardServer(
          {
            status: () => c.status(),
            history: (limit) => c.state.state.history.slice(-limit),
            onChange: (listener) => {
              c.state.on('change', listener);
              return () => c.state.off('change', listener);
            },
            operate: (req, by) => forwarder.operate(req, by),
          },
          cfg.dashboard.listen,
          tokens,
          c.logger.child({ part: 'dashboard' }),
        );
        await dashboard.start();
      }
    } catch (e) {
      await metrics?.stop();
      await dashboard?.stop();
      throw e;
    }
    return new HttpServices(metrics, dashboard);
  }

  async stop(): Promise<void> {
    await this.metrics?.stop();
    await this.dashboard?.stop();
  }
}
