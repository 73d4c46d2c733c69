import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AgentConfigInput } from '../../packages/shared/src/config/agent.js';
import type { coordinatorConfigSchema } from '../../packages/shared/src/config/coordinator.js';
import type { hactlConfigSchema } from '../../packages/shared/src/config/hactl.js';
import type { HostLayout, LabLayout, WebHostLayout } from './layout.js';
import { LAB_OPERATOR, labTls, writeLabPki } from './lab-pki.js';
import { mariadbPaths } from './mariadb.js';
import { nginxArgs, nginxPaths, UPSTREAM_NAME } from './nginx.js';
import { FPM_PING_PATH, FPM_STATUS_PATH, phpFpmPaths } from './php-fpm.js';
import { rsyncUrl } from './rsync-daemon.js';
import { secretFiles } from './secrets.js';
import { toYaml } from './yaml-emit.js';

// zod's input types, reached through the schemas (the repository root does not depend on zod itself)
type CoordinatorConfigInput = (typeof coordinatorConfigSchema)['_zod']['input'];
type HactlConfigInput = (typeof hactlConfigSchema)['_zod']['input'];

/**
 * Where the Raft voters run. DESIGN §2: lb1 and witness, plus a third voter. The lab puts it on web002,
 * the node that starts passive: three voters on three different machines survive any one machine's loss,
 * and the failure the cluster exists for (the active web node, web001) then costs no vote at all.
 */
export function coordinatorHosts(layout: LabLayout): HostLayout[] {
  return [layout.lb, layout.witness, layout.web[1]];
}

export const coordinatorAddress = (layout: LabLayout, h: HostLayout) => `${h.address}:${layout.coordinatorPort}`;

export const haConfigFiles = (layout: LabLayout) => ({
  agent: (h: WebHostLayout) => join(h.dir, 'agent.yaml'),
  coordinator: (h: HostLayout) => join(h.dir, 'coordinator.yaml'),
  /** the dashboard's operator bearer token (0600), fresh at every up */
  operatorToken: join(layout.secretsDir, 'dashboard-operator.token'),
  /** the dashboard's viewer bearer token (0600, reads only), fresh at every up */
  viewerToken: join(layout.secretsDir, 'dashboard-viewer.token'),
});

/** lb1's /metrics and dashboard, on its lab address so the root namespace (tests, a browser) reaches them */
export const METRICS_PORT = 9480;
export const DASHBOARD_PORT = 7480;
export const labEndpoints = (layout: LabLayout) => ({
  metricsUrl: `http://${layout.lb.address}:${METRICS_PORT}/metrics`,
  dashboardUrl: `http://${layout.lb.address}:${DASHBOARD_PORT}/`,
});

export function agentConfig(layout: LabLayout, host: WebHostLayout): AgentConfigInput {
  return {
    node: host.name,
    dataDir: join(host.dir, 'agent'),
    coordinators: coordinatorHosts(layout).map((c) => ({ id: c.name, address: coordinatorAddress(layout, c) })),
    reportIntervalMs: 500,
    mysql: {
      host: '127.0.0.1',
      port: 3306,
      socket: mariadbPaths(host).socket,
      user: 'whmcs_ha',
      password: { file: secretFiles(layout).monitor },
      timeoutMs: 2000,
    },
    phpFpm: { socket: phpFpmPaths(host).socket, statusPath: FPM_STATUS_PATH, pingPath: FPM_PING_PATH, timeoutMs: 2000 },
    http: { url: `http://${host.address}/health.php`, timeoutMs: 2000 },
    files: {
      root: layout.installPath,
      exclude: ['templates_c/'],
      rsyncUrl: rsyncUrl(host),
      backupDir: join(host.dir, 'rsync-backup'),
      debounceMs: 200,
    },
    cron: { lockFile: join(host.runDir, 'cron.lock') },
    tls: labTls(layout, 'agent', host.name),
  };
}

export function coordinatorConfig(layout: LabLayout, host: HostLayout): CoordinatorConfigInput {
  const onLb = host.name === layout.lb.name;
  const lbPaths = nginxPaths(layout, layout.lb);
  return {
    id: host.name,
    listen: coordinatorAddress(layout, host),
    dataDir: join(host.dir, 'coordinator'),
    peers: coordinatorHosts(layout).map((c) => ({ id: c.name, address: coordinatorAddress(layout, c) })),
    nodes: layout.web.map((w) => ({
      name: w.name,
      upstream: `${w.address}:80`,
      healthUrl: `http://${w.address}/health.php`,
      rsyncUrl: rsyncUrl(w),
      priority: 100,
    })),
    cluster: {
      mode: 'active-passive',
      initialActive: layout.web[0].name,
      // tighter than the production defaults (5 s, 500 ms, 5 s): the lab's network is one bridge, and its
      // figures are what `pnpm bench` compares with other tools (docs/bench.md)
      failureThresholdMs: 1000,
      // three missed reports (reportIntervalMs 500 above) make an agent silent
      silentAfterMs: 1500,
      cycleMs: 250,
      recoveryThreshold: 3,
      maxLagSeconds: 5,
      blockSeconds: 300,
      leaseMs: 15_000,
      syncDebounceMs: 500,
      semiSync: true,
    },
    raft: { tickMs: 100, electionTicks: 10, heartbeatTicks: 1, snapshotEvery: 1000 },
    tls: labTls(layout, 'coordinator', host.name),
    metrics: onLb ? { listen: `${host.address}:${METRICS_PORT}` } : undefined,
    dashboard: onLb ? { listen: `${host.address}:${DASHBOARD_PORT}`, operatorTokenFile: haConfigFiles(layout).operatorToken, viewerTokenFile: haConfigFiles(layout).viewerToken } : undefined,
    // only the coordinator that sits on the load balancer rewrites it (DESIGN §3)
    lb: onLb
      ? {
          kind: 'nginx',
          upstreamFile: lbPaths.upstreamFile,
          upstreamName: UPSTREAM_NAME,
          nginxBinary: '/usr/sbin/nginx',
          nginxConfig: lbPaths.config,
          nginxArgs: nginxArgs(layout, layout.lb),
          verifyUrl: `http://${layout.lb.address}/health.php`,
        }
      : undefined,
  };
}

export function hactlConfig(layout: LabLayout): HactlConfigInput {
  return { endpoints: coordinatorHosts(layout).map((c) => coordinatorAddress(layout, c)), timeoutMs: 5000, tls: labTls(layout, 'operator', LAB_OPERATOR) };
}

/** Writes agent.yaml (web nodes), coordinator.yaml (voters) and .lab/hactl.yaml. */
export function writeHaConfigs(layout: LabLayout): string[] {
  const files = haConfigFiles(layout);
  const written: string[] = [];
  mkdirSync(layout.secretsDir, { recursive: true, mode: 0o700 });
  writeFileSync(files.operatorToken, randomBytes(24).toString('hex'), { mode: 0o600 });
  writeFileSync(files.viewerToken, randomBytes(24).toString('hex'), { mode: 0o600 });
  writeLabPki(layout, coordinatorHosts(layout));
  const header = (what: string) => `whmcs-ha lab ${layout.id}: ${what} (generated by \`pnpm lab up\`; edits are lost at the next up)`;
  for (const w of layout.web) {
    mkdirSync(join(w.dir, 'agent'), { recursive: true });
    writeFileSync(files.agent(w), toYaml({ ...agentConfig(layout, w) }, header(`whmcs-ha-agent on ${w.name}`)));
    written.push(files.agent(w));
  }
  for (const c of coordinatorHosts(layout)) {
    mkdirSync(join(c.dir, 'coordinator'), { recursive: true });
    writeFileSync(files.coordinator(c), toYaml({ ...coordinatorConfig(layout, c) }, header(`whmcs-ha-coordinator on ${c.name}`)));
    written.push(files.coordinator(c));
  }
  writeFileSync(layout.hactlFile, toYaml({ ...hactlConfig(layout) }, header(`whmcs-hactl: pnpm hactl --config ${relative(layout.repoRoot, layout.hactlFile)} status (from the repository root)`)));
  written.push(layout.hactlFile);
  return written;
}
