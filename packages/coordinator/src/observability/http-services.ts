import type { CoordinatorConfig, Logger } from '@whmcs-ha/shared';
import { DashboardServer, type DashboardSource, type DashboardTokens } from '../dashboard/dashboard-server.js';
import { BearerToken } from '../dashboard/bearer-token.js';
import type { CoordinatorMetrics } from './metrics.js';
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

/** What the HTTP endpoints serve, built by compose.ts: each side present only when configured. */
export interface HttpServicesDeps {
  metrics: { metrics: CoordinatorMetrics; listen: string } | null;
  dashboard: { source: DashboardSource; listen: string; tokens: DashboardTokens } | null;
  logger: Logger;
}

/** The coordinator's optional HTTP endpoints: /metrics (metrics.listen) and the dashboard (dashboard.listen). */
export class HttpServices {
  private constructor(
    readonly metrics: MetricsServer | null,
    readonly dashboard: DashboardServer | null,
  ) {}

  static async start(deps: HttpServicesDeps): Promise<HttpServices> {
    let metrics: MetricsServer | null = null;
    let dashboard: DashboardServer | null = null;
    try {
      if (deps.metrics) {
        metrics = new MetricsServer(deps.metrics.metrics, deps.metrics.listen, deps.logger.child({ part: 'metrics' }));
        await metrics.start();
      }
      if (deps.dashboard) {
        dashboard = new DashboardServer(deps.dashboard.source, deps.dashboard.listen, deps.dashboard.tokens, deps.logger.child({ part: 'dashboard' }));
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
