import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { checkTransportSecurity, durationMs, hostPort, insecureSchema, name, secretSchema, tlsSchema } from './common.js';
import { loadConfigFile } from './load.js';

export const agentConfigSchema = z
  .object({
    node: name,
    dataDir: z.string().default('/var/lib/whmcs-ha/agent'),
    coordinators: z.array(z.object({ id: name, address: hostPort }).strict()).min(1),
    reportIntervalMs: durationMs(250, 60_000).default(1000),
    mysql: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(1).max(65535).default(3306),
        socket: z.string().optional(),
        user: z.string().default('whmcs_ha'),
        password: secretSchema.optional(),
        timeoutMs: durationMs(100, 60_000).default(2000),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3306, user: 'whmcs_ha', timeoutMs: 2000 }),
    phpFpm: z
      .object({
        socket: z.string().optional(),
        address: hostPort.optional(),
        statusPath: z.string().default('/fpm-status'),
        pingPath: z.string().default('/fpm-ping'),
        timeoutMs: durationMs(100, 60_000).default(2000),
      })
      .strict()
      .refine((p) => Boolean(p.socket) !== Boolean(p.address), 'give exactly one of socket or address'),
    http: z
      .object({ url: z.string().url(), timeoutMs: durationMs(100, 60_000).default(2000) })
      .strict()
      .optional(),
    files: z
      .object({
        root: z.string(),
        exclude: z.array(z.string()).default([]),
        rsyncUrl: z.string().optional(),
        backupDir: z.string().optional(),
        debounceMs: durationMs(10, 60_000).default(200),
      })
      .strict(),
    cron: z.object({ lockFile: z.string().optional() }).strict().default({}),
    /** Prometheus /metrics on a local address; off when absent */
    metrics: z.object({ address: hostPort }).strict().optional(),
    tls: tlsSchema.optional(),
    insecure: insecureSchema,
  })
  .strict();

export type AgentConfigInput = z.input<typeof agentConfigSchema>;
export type AgentConfigParsed = z.output<typeof agentConfigSchema>;

export interface AgentConfig extends AgentConfigParsed {
  /** templates_c/ is always excluded: it is a per-node cache */
  effectiveExcludes: string[];
  source: string;
}

export function compileAgentConfig(cfg: AgentConfigParsed, source: string): AgentConfig {
  if (!isAbsolute(cfg.files.root)) throw new InputError('files.root', 'must be an absolute path', source);
  const ids = new Set<string>();
  cfg.coordinators.forEach((c, i) => {
    if (ids.has(c.id)) throw new InputError(`coordinators[${i}].id`, `duplicate coordinator id ${c.id}`, source);
    ids.add(c.id);
  });
  const effectiveExcludes = ['templates_c/', ...cfg.files.exclude.filter((e) => e !== 'templates_c/')];
  const transport = checkTransportSecurity(cfg);
  if (transport) throw new InputError(transport.field, transport.problem, source);
  return { ...cfg, effectiveExcludes, source };
}

export function loadAgentConfig(file: string): AgentConfig {
  return loadConfigFile(file, agentConfigSchema, compileAgentConfig);
}
