import { z } from 'zod';

/** `host:port` with a port in range; IPv6 as `[::1]:7400`. */
export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port')
  .refine((s) => {
    const port = Number(s.slice(s.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535;
  }, 'port must be 1-65535');

/** Node and coordinator names: what certificates and status output carry. */
export const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

export const durationMs = (min: number, max: number) => z.number().int().min(min).max(max);

export const tlsSchema = z
  .object({
    ca: z.string(),
    cert: z.string(),
    key: z.string(),
  })
  .strict();

/** A secret is read from a 0600 file or an environment variable, never written inline. */
export const secretSchema = z
  .object({
    file: z.string().optional(),
    env: z.string().optional(),
  })
  .strict()
  .refine((s) => (s.file ? 1 : 0) + (s.env ? 1 : 0) === 1, 'give exactly one of file or env');

/**
 * Without a tls section a binary refuses to start unless `insecure: true` says
 * so explicitly (test benches only): a cluster speaking plain gRPC lets anyone
 * who reaches a coordinator move the writer.
 */
export const insecureSchema = z.boolean().default(false);

export function checkTransportSecurity(cfg: { tls?: unknown; insecure: boolean }): { field: string; problem: string } | null {
  if (cfg.tls && cfg.insecure) return { field: 'insecure', problem: 'cannot be true together with a tls section' };
  if (!cfg.tls && !cfg.insecure) {
    return { field: 'tls', problem: 'required: give tls {ca, cert, key} from whmcs-hactl pki, or set insecure: true (test benches only)' };
  }
  return null;
}
