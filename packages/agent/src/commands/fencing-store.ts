import { join } from 'node:path';
import { z } from 'zod';
import { readJson, writeDurable } from '../durable-file.js';

const schema = z.object({ highestEpoch: z.number().int().min(0), highestTerm: z.number().int().min(0) });
export type Fencing = z.infer<typeof schema>;

/**
 * The highest epoch and Raft term this agent has seen, persisted (fsync of
 * the file and its directory) before any command of a newer epoch runs, so a
 * restarted agent still refuses commands from a deposed leader (DESIGN §4.2).
 */
export class FencingStore {
  readonly file: string;
  private value: Fencing;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'fencing.json');
    const raw = readJson(this.file);
    if (raw === undefined) this.value = { highestEpoch: 0, highestTerm: 0 };
    else {
      const p = schema.safeParse(raw);
      // a corrupt fencing file must stop the agent: starting from 0 would obey deposed leaders
      if (!p.success) throw new Error(`${this.file} is corrupt: ${p.error.issues[0]?.message ?? 'invalid'}; refusing to start`);
      this.value = p.data;
    }
  }

  get highestEpoch(): number {
    return this.value.highestEpoch;
  }

  get highestTerm(): number {
    return this.value.highestTerm;
  }

  /** Raises the stored values (never lowers them); writes and fsyncs only on a change. */
  raise(epoch: number, term: number): void {
    const next = { highestEpoch: Math.max(this.value.highestEpoch, epoch), highestTerm: Math.max(this.value.highestTerm, term) };
    if (next.highestEpoch === this.value.highestEpoch && next.highestTerm === this.value.highestTerm) return;
    writeDurable(this.file, `${JSON.stringify(next)}\n`);
    this.value = next;
  }
}
