import type { Server } from 'node:http';
import type { Logger } from '@whmcs-ha/shared';
import { closeHttp, listenHttp } from './http-listener.js';
import type { CoordinatorMetrics } from './metrics.js';

/** Serves GET /metrics on the `metrics.listen` address; anything else is a 404. */
export class MetricsServer {
  private server: Server | null = null;
  port = 0;

  constructor(
    readonly metrics: CoordinatorMetrics,
    private readonly listen: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { server, port } = await listenHttp(this.listen, (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at GET /metrics\n');
        return;
      }
      this.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        (e: unknown) => {
          this.logger.error({ err: e }, 'metrics collection failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(e as Error).message}\n`);
        },
      );
    });
    this.server = server;
    this.port = port;
    this.logger.info({ listen: this.listen, port }, 'metrics listening');
  }

  stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    return closeHttp(s);
  }
}
