import { join } from 'node:path';
import { z } from 'zod';
import { readJson, writeDurable } from './durable-file.js';

export const storedLeaseSchema = z.object({
  node: z.string(),
  epoch: z.number().int().min(0),
  term: z.number().int().min(0),
  durationMs: z.number().int().min(1),
  /** the agent's wall clock when the lease arrived */
  receivedAtMs: z.number().int(),
  coordinatorId: z.string(),
});
export type StoredLease = z.infer<typeof storedLeaseSchema>;

export const LEASE_FILE = 'lease.json';

/**
 * The latest lease the leader sent, kept in dataDir so the cron gate (a
 * separate short-lived process) can read it. Written atomically; not fsynced
 * on every renewal: after a crash a lost lease only makes cron skip a run.
 */
export class LeaseStore {
  readonly file: string;
  private current: StoredLease | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, LEASE_FILE);
    this.current = readLease(dataDir);
  }

  get lease(): StoredLease | undefined {
    return this.current;
  }

  save(lease: StoredLease): void {
    writeDurable(this.file, `${JSON.stringify(lease)}\n`, false);
    this.current = lease;
  }
}

export function readLease(dataDir: string): StoredLease | undefined {
  const raw = readJson(join(dataDir, LEASE_FILE));
  if (raw === undefined) return undefined;
  const p = storedLeaseSchema.safeParse(raw);
  return p.success ? p.data : undefined;
}
