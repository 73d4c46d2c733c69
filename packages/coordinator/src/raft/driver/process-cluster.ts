import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RaftStatus } from './raft-node.js';

const ENTRY = fileURLToPath(new URL('./raft-node-process.ts', import.meta.url));

interface Proc {
  id: string;
  port: number;
  child: ChildProcess | null;
  pending: Map<number, (v: Reply) => void>;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
  leaderId?: string | null;
}

export interface ProcessClusterOptions {
  size?: number;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  snapshotEvery?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * N RaftNodes, each in its own process on 127.0.0.1 with its own data
 * directory, which a test can kill -9 (SIGKILL) and restart.
 */
export class ProcessCluster {
  readonly procs: Proc[] = [];
  private dir = '';
  private seq = 0;
  readonly opts: Required<ProcessClusterOptions>;

  constructor(opts: ProcessClusterOptions = {}) {
    this.opts = { size: 3, tickMs: 100, electionTicks: 10, heartbeatTicks: 1, snapshotEvery: 1000, ...opts };
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'raft-procs-'));
    for (let i = 1; i <= this.opts.size; i++) this.procs.push({ id: `p${i}`, port: await freePort(), child: null, pending: new Map() });
    await Promise.all(this.procs.map((p) => this.spawn(p)));
  }

  ids(): string[] {
    return this.procs.map((p) => p.id);
  }

  live(): string[] {
    return this.procs.filter((p) => p.child).map((p) => p.id);
  }

  kill9(id: string): void {
    const p = this.proc(id);
    p.child?.kill('SIGKILL');
    p.child = null;
    for (const r of p.pending.values()) r({ id: -1, ok: false, error: 'killed' });
    p.pending.clear();
  }

  async restart(id: string): Promise<void> {
    await this.spawn(this.proc(id));
  }

  async status(id: string): Promise<RaftStatus & { leaseValid: boolean }> {
    return (await this.request(id, { op: 'status' })).result as RaftStatus;
  }

  async values(id: string): Promise<string[]> {
    return (await this.request(id, { op: 'values' })).result as string[];
  }

  async propose(id: string, data: string): Promise<Reply> {
    return this.request(id, { op: 'propose', data });
  }

  /** The live node all live nodes agree leads, with a valid lease; null if none. */
  async agreedLeader(): Promise<string | null> {
    const sts = await Promise.all(this.live().map((id) => this.status(id)));
    const leaders = sts.filter((s) => s.role === 'leader' && s.leaseValid);
    if (leaders.length !== 1) return null;
    const id = leaders[0]!.id;
    return sts.every((s) => s.leaderId === id) ? id : null;
  }

  async waitFor<T>(what: string, f: () => Promise<T | null | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    for (const p of this.procs) this.kill9(p.id);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private proc(id: string): Proc {
    const p = this.procs.find((x) => x.id === id);
    if (!p) throw new Error(`no process ${id}`);
    return p;
  }

  private request(id: string, req: { op: string; data?: string }): Promise<Reply> {
    const p = this.proc(id);
    if (!p.child?.stdin) return Promise.resolve({ id: -1, ok: false, error: 'down' });
    const rid = ++this.seq;
    return new Promise((resolve) => {
      p.pending.set(rid, resolve);
      p.child!.stdin!.write(`${JSON.stringify({ id: rid, ...req })}\n`);
    });
  }

  private spawn(p: Proc): Promise<void> {
    const cfg = {
      id: p.id,
      port: p.port,
      peers: this.procs.map((x) => ({ id: x.id, address: `127.0.0.1:${x.port}` })),
      dataDir: join(this.dir, p.id),
      tickMs: this.opts.tickMs,
      electionTicks: this.opts.electionTicks,
      heartbeatTicks: this.opts.heartbeatTicks,
      snapshotEvery: this.opts.snapshotEvery,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'inherit'] });
    p.child = child;
    return new Promise((resolve, reject) => {
      let ready = false;
      child.once('exit', (code, signal) => {
        if (!ready) reject(new Error(`${p.id} exited before ready (code ${code}, signal ${signal})`));
        if (p.child === child) p.child = null;
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as Reply & { ready?: boolean };
        if (msg.ready) {
          ready = true;
          resolve();
          return;
        }
        const r = p.pending.get(msg.id);
        if (r) {
          p.pending.delete(msg.id);
          r(msg);
        }
      });
    });
  }
}
