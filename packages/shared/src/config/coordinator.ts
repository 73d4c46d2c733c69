import { z } from 'zod';
import { InputError } from '../errors.js';
import { checkTransportSecurity, durationMs, hostPort, insecureSchema, name, tlsSchema } from './common.js';
import { loadConfigFile } from './load.js';

const nodeSchema = z
  .object({
    name,
    /** address the LB proxies to */
    upstream: hostPort,
    /** URL the LB coordinator probes directly (holistic detection) */
    healthUrl: z.string().url().optional(),
    /** rsync source other nodes pull from when this node is the file source */
    rsyncUrl: z.string().optional(),
    priority: z.number().int().min(0).max(1000).default(100),
  })
  .strict();

const lbSchema = z
  .object({
    kind: z.enum(['nginx', 'haproxy']).default('nginx'),
    /** the upstream file nginx includes and the coordinator owns (nginx only) */
    upstreamFile: z.string().optional(),
    upstreamName: z.string().default('whmcs_backend'),
    nginxBinary: z.string().default('/usr/sbin/nginx'),
    nginxConfig: z.string().default('/etc/nginx/nginx.conf'),
    /** extra args before -s reload / -t, e.g. a -p prefix in the lab */
    nginxArgs: z.array(z.string()).default([]),
    verifyUrl: z.string().url().optional(),
    haproxySocket: z.string().optional(),
    haproxyBackend: z.string().optional(),
    haproxyConfig: z.string().default('/etc/haproxy/haproxy.cfg'),
    haproxyBinary: z.string().default('/usr/sbin/haproxy'),
  })
  .strict();

export const coordinatorConfigSchema = z
  .object({
    id: name,
    listen: hostPort,
    advertise: hostPort.optional(),
    dataDir: z.string().default('/var/lib/whmcs-ha/coordinator'),
    peers: z.array(z.object({ id: name, address: hostPort }).strict()),
    nodes: z.array(nodeSchema).min(2),
    cluster: z
      .object({
        mode: z.enum(['active-passive', 'active-active']).default('active-passive'),
        initialActive: name.optional(),
        failureThresholdMs: durationMs(500, 600_000).default(5000),
        /** an agent silent this long counts as a failure signal */
        silentAfterMs: durationMs(250, 600_000).default(3000),
        /** how often the leader runs decide() */
        cycleMs: durationMs(50, 60_000).default(500),
        /** bound on waiting for a failover target to apply its relay log */
        catchUpTimeoutMs: durationMs(100, 3_600_000).default(30_000),
        recoveryThreshold: z.number().int().min(1).max(1000).default(3),
        maxLagSeconds: z.number().min(0).max(86_400).default(5),
        blockSeconds: z.number().int().min(0).max(86_400).default(300),
        leaseMs: durationMs(1000, 600_000).default(15_000),
        syncDebounceMs: durationMs(0, 600_000).default(5000),
        semiSync: z.boolean().default(true),
      })
      .strict()
      .default({
        mode: 'active-passive',
        failureThresholdMs: 5000,
        silentAfterMs: 3000,
        cycleMs: 500,
        catchUpTimeoutMs: 30_000,
        recoveryThreshold: 3,
        maxLagSeconds: 5,
        blockSeconds: 300,
        leaseMs: 15_000,
        syncDebounceMs: 5000,
        semiSync: true,
      }),
    raft: z
      .object({
        tickMs: durationMs(10, 10_000).default(100),
        electionTicks: z.number().int().min(3).max(1000).default(10),
        heartbeatTicks: z.number().int().min(1).max(100).default(1),
        snapshotEvery: z.number().int().min(10).max(1_000_000).default(1000),
      })
      .strict()
      .default({ tickMs: 100, electionTicks: 10, heartbeatTicks: 1, snapshotEvery: 1000 }),
    lb: lbSchema.optional(),
    hooks: z
      .object({ preFailover: z.array(z.string()).optional(), postFailover: z.array(z.string()).optional() })
      .strict()
      .default({}),
    dashboard: z
      .object({
        /** off unless the section is present; localhost unless an address is given */
        listen: hostPort.default('127.0.0.1:7480'),
        /** a 0600 file holding the operator's bearer token; without it the dashboard is read-only */
        operatorTokenFile: z.string().optional(),
        /** a 0600 file holding the viewer's bearer token (reads only); with any token, reading needs one */
        viewerTokenFile: z.string().optional(),
      })
      .strict()
      .optional(),
    metrics: z.object({ listen: hostPort }).strict().optional(),
    tls: tlsSchema.optional(),
    insecure: insecureSchema,
  })
  .strict();

export type CoordinatorConfigParsed = z.output<typeof coordinatorConfigSchema>;

export interface CoordinatorConfig extends CoordinatorConfigParsed {
  voters: string[];
  source: string;
}

export function compileCoordinatorConfig(cfg: CoordinatorConfigParsed, source: string): CoordinatorConfig {
  const ids = cfg.peers.map((p) => p.id);
  if (!ids.includes(cfg.id)) throw new InputError('peers', `must include this coordinator's own id ${cfg.id}`, source);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id)) throw new InputError(`peers[${i}].id`, `duplicate peer id ${id}`, source);
    seen.add(id);
  });
  if (ids.length < 3 || ids.length % 2 === 0) {
    throw new InputError(
      'peers',
      `needs an odd number of voters, at least 3 (got ${ids.length}): a group of ${ids.length} voters ` +
        `${ids.length === 2 ? 'has no quorum after one failure' : 'tolerates no more failures than one voter fewer'}`,
      source,
    );
  }
  const names = new Set<string>();
  cfg.nodes.forEach((n, i) => {
    if (names.has(n.name)) throw new InputError(`nodes[${i}].name`, `duplicate node ${n.name}`, source);
    names.add(n.name);
  });
  if (cfg.cluster.initialActive && !names.has(cfg.cluster.initialActive)) {
    throw new InputError('cluster.initialActive', `${cfg.cluster.initialActive} is not one of nodes[].name`, source);
  }
  if (cfg.raft.heartbeatTicks >= cfg.raft.electionTicks) {
    throw new InputError('raft.heartbeatTicks', 'must be smaller than raft.electionTicks', source);
  }
  if (cfg.lb?.kind === 'nginx' && !cfg.lb.upstreamFile) {
    throw new InputError('lb.upstreamFile', 'nginx needs the path of the upstream file it includes', source);
  }
  if (cfg.lb?.kind === 'haproxy' && (!cfg.lb.haproxySocket || !cfg.lb.haproxyBackend)) {
    throw new InputError('lb.haproxySocket', 'haproxy needs lb.haproxySocket and lb.haproxyBackend', source);
  }
  // a dashboard others can reach must not show the cluster to anyone who asks
  if (cfg.dashboard && !isLoopbackListen(cfg.dashboard.listen) && !cfg.dashboard.viewerTokenFile && !cfg.dashboard.operatorTokenFile) {
    throw new InputError(
      'dashboard.viewerTokenFile',
      `dashboard.listen ${cfg.dashboard.listen} is not a loopback address: give a viewer token file (or dashboard.operatorTokenFile) so reading needs a credential`,
      source,
    );
  }
  const transport = checkTransportSecurity(cfg);
  if (transport) throw new InputError(transport.field, transport.problem, source);
  return { ...cfg, voters: ids, source };
}

/** 127.0.0.0/8, [::1] and localhost: only this machine reaches them. */
export function isLoopbackListen(listen: string): boolean {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function loadCoordinatorConfig(file: string): CoordinatorConfig {
  return loadConfigFile(file, coordinatorConfigSchema, compileCoordinatorConfig);
}
