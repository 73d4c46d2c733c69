import { agentConfigSchema, compileAgentConfig, type AgentConfig, type AgentConfigInput } from '@whmcs-ha/shared';
import type { MariaDbServer } from './mariadb-server.js';
import { PROBE_PASSWORD, PROBE_USER } from './mariadb-server.js';

export const PASSWORD_ENV = 'WHA_TEST_MYSQL_PASSWORD';

/** A compiled agent config for tests, probing the given throwaway servers. */
export function agentConfig(opts: {
  node?: string;
  dataDir: string;
  root: string;
  coordinators: string[];
  db: MariaDbServer;
  fpmSocket: string;
  reportIntervalMs?: number;
  mysqlTimeoutMs?: number;
  backupDir?: string;
  exclude?: string[];
  metricsAddress?: string;
  /** mTLS files; without them the link is plain gRPC (insecure: true) */
  tls?: { ca: string; cert: string; key: string };
}): AgentConfig {
  process.env[PASSWORD_ENV] = PROBE_PASSWORD;
  const input = {
    node: opts.node ?? 'web001',
    dataDir: opts.dataDir,
    coordinators: opts.coordinators.map((address, i) => ({ id: `c${i + 1}`, address })),
    reportIntervalMs: opts.reportIntervalMs ?? 250,
    // plain gRPC on loopback unless a test is about mTLS
    ...(opts.tls ? { tls: opts.tls } : { insecure: true }),
    mysql: { host: '127.0.0.1', port: opts.db.port, user: PROBE_USER, password: { env: PASSWORD_ENV }, timeoutMs: opts.mysqlTimeoutMs ?? 500 },
    phpFpm: { socket: opts.fpmSocket, pingPath: '/fpm-ping', statusPath: '/fpm-status', timeoutMs: 500 },
    ...(opts.metricsAddress ? { metrics: { address: opts.metricsAddress } } : {}),
    files: { root: opts.root, exclude: opts.exclude ?? [], debounceMs: 50, ...(opts.backupDir ? { backupDir: opts.backupDir } : {}) },
  };
  return compileAgentConfig(agentConfigSchema.parse(input as AgentConfigInput), 'test');
}
