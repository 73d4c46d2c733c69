import { z } from 'zod';
import { InputError } from '../errors.js';
import { checkTransportSecurity, hostPort, insecureSchema, tlsSchema } from './common.js';
import { loadConfigFile } from './load.js';

export const hactlConfigSchema = z
  .object({
    endpoints: z.array(hostPort).min(1),
    timeoutMs: z.number().int().min(100).max(600_000).default(5000),
    tls: tlsSchema.optional(),
    insecure: insecureSchema,
  })
  .strict();

export type HactlConfig = z.output<typeof hactlConfigSchema> & { source: string };

export function loadHactlConfig(file: string): HactlConfig {
  return loadConfigFile(file, hactlConfigSchema, (cfg, source) => {
    const transport = checkTransportSecurity(cfg);
    if (transport) throw new InputError(transport.field, transport.problem, source);
    return { ...cfg, source };
  });
}
