/**
 * The chaos workload: a few concurrent clients writing unique ids through the LB, each write kept
 * with its send and acknowledgement times (epoch ms, the same clock as MariaDB's created_at and the
 * coordinators' history, since the lab is one machine), HTTP status, serving node and server_id.
 */
import { request } from 'node:http';

export interface WriteRecord {
  id: string;
  client: number;
  sentAt: number;
  ackAt: number;
  /** HTTP status; 0 when the request failed or timed out (an indeterminate write) */
  status: number;
  node: string | null;
  serverId: number | null;
}

/** Wall-clock ms with sub-ms precision (performance.now() is monotonic; timeOrigin anchors it). */
export const nowMs = () => performance.timeOrigin + performance.now();

export function writeOnce(lbAddress: string, id: string, client: number, timeoutMs: number): Promise<WriteRecord> {
  const sentAt = nowMs();
  const body = `id=${encodeURIComponent(id)}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number, node: string | null, serverId: number | null) => {
      if (settled) return;
      settled = true;
      resolve({ id, client, sentAt, ackAt: nowMs(), status, node, serverId });
    };
    const req = request(
      {
        host: lbAddress,
        port: 80,
        path: '/write.php',
        method: 'POST',
        agent: false,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', () => done(0, null, null));
        res.on('end', () => {
          let node: string | null = null;
          let serverId: number | null = null;
          try {
            const j = JSON.parse(text) as { node?: string; serverId?: number };
            node = j.node ?? null;
            serverId = typeof j.serverId === 'number' ? j.serverId : null;
          } catch {
            /* an nginx error page */
          }
          done(res.statusCode ?? 0, node, serverId);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0, null, null));
    req.end(body);
  });
}

export interface WorkloadOptions {
  lbAddress: string;
  /** prefix of every id, unique to the run */
  tag: string;
  clients: number;
  pauseMs: number;
  timeoutMs: number;
}

/** Runs until stop(); every result is kept, in completion order. */
export class Workload {
  readonly records: WriteRecord[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(readonly opts: WorkloadOptions) {
    this.loops = Array.from({ length: opts.clients }, (_, c) => this.loop(c));
  }

  private async loop(client: number): Promise<void> {
    let n = 0;
    while (this.running) {
      this.records.push(await writeOnce(this.opts.lbAddress, `${this.opts.tag}-${client}-${++n}`, client, this.opts.timeoutMs));
      await new Promise((r) => setTimeout(r, this.opts.pauseMs));
    }
  }

  async stop(): Promise<WriteRecord[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.records;
  }

  acked(): WriteRecord[] {
    return this.records.filter((r) => r.status === 201);
  }
}
