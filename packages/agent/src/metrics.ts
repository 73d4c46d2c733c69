import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Report } from '@whmcs-ha/shared';

/**
 * Prometheus metrics of the agent, every series labelled with the node.
 * Gauges read the latest report when scraped, so they never lag behind it.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly reportsSent: Counter<'node' | 'coordinator'>;
  readonly commands: Counter<'node' | 'kind' | 'outcome'>;

  constructor(
    private readonly node: string,
    latest: () => Report,
  ) {
    // unknown values are left out of the scrape (a labelled gauge with no value prints nothing), not faked as 0
    const g = (name: string, help: string, value: (r: Report) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['node'],
        registers: [this.registry],
        collect() {
          this.reset();
          const v = value(latest());
          if (v !== undefined) this.set({ node }, v);
        },
      });
    const b = (x: boolean | undefined) => (x === undefined ? undefined : x ? 1 : 0);
    g('whmcs_ha_mysql_up', '1 when the MySQL probe succeeded', (r) => b(r.mysql?.up) ?? 0);
    g('whmcs_ha_mysql_read_only', '1 when read_only is ON', (r) => (r.mysql?.up ? b(r.mysql.readOnly) : undefined));
    g('whmcs_ha_mysql_replication_lag_seconds', 'Seconds_Behind_Source; absent when not replicating', (r) => {
      const s = r.mysql?.replica?.secondsBehind;
      return r.mysql?.up && s !== undefined && s >= 0 ? s : undefined;
    });
    g('whmcs_ha_mysql_replica_io_running', '1 when the replica IO thread runs', (r) => (r.mysql?.replica ? b(r.mysql.replica.ioRunning) : undefined));
    g('whmcs_ha_mysql_replica_sql_running', '1 when the replica SQL thread runs', (r) => (r.mysql?.replica ? b(r.mysql.replica.sqlRunning) : undefined));
    g('whmcs_ha_mysql_probe_seconds', 'duration of the last MySQL probe', (r) => (r.mysql ? r.mysql.latencyMs / 1000 : undefined));
    g('whmcs_ha_phpfpm_up', '1 when PHP-FPM answered its ping', (r) => b(r.phpFpm?.up) ?? 0);
    g('whmcs_ha_phpfpm_listen_queue', 'PHP-FPM listen queue', (r) => (r.phpFpm?.up ? r.phpFpm.listenQueue : undefined));
    g('whmcs_ha_phpfpm_active_processes', 'PHP-FPM active processes', (r) => (r.phpFpm?.up ? r.phpFpm.activeProcesses : undefined));
    g('whmcs_ha_http_up', '1 when the vhost health page answered 2xx', (r) => b(r.http?.up));
    g('whmcs_ha_files_total', 'files in the manifest', (r) => (r.files?.ready ? r.files.fileCount : undefined));
    g('whmcs_ha_files_bytes', 'bytes in the manifest', (r) => (r.files?.ready ? r.files.totalBytes : undefined));
    g('whmcs_ha_highest_epoch', 'highest epoch this agent has seen (persisted)', (r) => r.highestEpoch);
    g('whmcs_ha_lease_expires_seconds', 'seconds until this node\'s lease expires (negative: expired)', (r) =>
      r.leaseExpiresAtMs ? (r.leaseExpiresAtMs - Date.now()) / 1000 : undefined,
    );
    this.reportsSent = new Counter({ name: 'whmcs_ha_reports_sent_total', help: 'reports sent, per coordinator', labelNames: ['node', 'coordinator'], registers: [this.registry] });
    this.commands = new Counter({ name: 'whmcs_ha_commands_total', help: 'commands handled by outcome (ok, error, refused)', labelNames: ['node', 'kind', 'outcome'], registers: [this.registry] });
  }

  /** Serves GET /metrics on `address` (host:port); resolves once listening. */
  serve(address: string): Promise<Server> {
    const i = address.lastIndexOf(':');
    const host = address.slice(0, i).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(i + 1));
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.statusCode = 404;
        res.end('not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => {
          res.setHeader('content-type', this.registry.contentType);
          res.end(text);
        },
        (e: unknown) => {
          res.statusCode = 500;
          res.end(`${String(e)}\n`);
        },
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}

