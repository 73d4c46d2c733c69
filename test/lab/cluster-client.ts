import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { LabLayout } from '../../deploy/lab/layout.js';
import type { HactlStatus } from '../../packages/hactl/src/status-view.js';

const repo = join(import.meta.dirname, '..', '..');

export interface ProgramRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a built binary of the workspace with an argument array. */
export function runBin(pkg: 'hactl' | 'agent' | 'coordinator', args: string[], timeoutMs = 60_000): Promise<ProgramRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repo, 'packages', pkg, 'dist', 'main.js'), ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export const hactl = (layout: LabLayout, args: string[], timeoutMs?: number) => runBin('hactl', ['--config', layout.hactlFile, ...args], timeoutMs);

/** What `whmcs-hactl status --json` prints: declared once (packages/shared/src/status.ts, plus hactl's loadBalancers). */
export type StatusJson = HactlStatus;

export async function status(layout: LabLayout): Promise<StatusJson> {
  const r = await hactl(layout, ['status', '--json']);
  if (r.code !== 0 && r.code !== 1) throw new Error(`hactl status exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusJson;
}

/** Polls `hactl status --json` until `check` holds; a coordinator (re)starting meanwhile is no failure. */
export async function untilStatus(layout: LabLayout, what: string, check: (s: StatusJson) => boolean, timeoutMs = 60_000, everyMs = 200): Promise<StatusJson> {
  const t0 = performance.now();
  let last: StatusJson | null = null;
  while (performance.now() - t0 < timeoutMs) {
    try {
      last = await status(layout);
      if (check(last)) return last;
    } catch {
      // no coordinator answered this time
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms; last status: ${JSON.stringify(last)?.slice(0, 3000)}`);
}

/** The pid the lab recorded for a daemon on a host. */
export function labPid(state: { hosts: Array<{ name: string; processes: Array<{ name: string; pid: number }> }> }, host: string, proc: string): number {
  const p = state.hosts.find((h) => h.name === host)?.processes.find((x) => x.name === proc);
  if (!p) throw new Error(`the lab recorded no ${proc} on ${host}`);
  return p.pid;
}

export interface WriteResult {
  id: string;
  sentAt: number;
  ackAt: number;
  status: number;
  node: string | null;
}

/** POST /write.php through the LB on a fresh connection; never throws. */
export function writeThroughLb(lbAddress: string, id: string): Promise<WriteResult> {
  const sentAt = performance.now();
  const body = `id=${encodeURIComponent(id)}`;
  return new Promise((resolve) => {
    const req = request(
      { host: lbAddress, port: 80, path: '/write.php', method: 'POST', agent: false, timeout: 3000, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let node: string | null = null;
          try {
            node = (JSON.parse(text) as { node?: string }).node ?? null;
          } catch {
            node = null;
          }
          resolve({ id, sentAt, ackAt: performance.now(), status: res.statusCode ?? 0, node });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ id, sentAt, ackAt: performance.now(), status: 0, node: null }));
    req.end(body);
  });
}

/** A client workload of unique writes through the LB until stopped; every result is kept. */
export class Writer {
  readonly results: WriteResult[] = [];
  private running = true;
  private done: Promise<void>;
  private n = 0;

  constructor(lbAddress: string, tag: string, pauseMs = 20) {
    this.done = (async () => {
      while (this.running) {
        this.results.push(await writeThroughLb(lbAddress, `${tag}-${++this.n}`));
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  async stop(): Promise<WriteResult[]> {
    this.running = false;
    await this.done;
    return this.results;
  }

  acked(): WriteResult[] {
    return this.results.filter((r) => r.status === 201);
  }

  /** The longest time without an acknowledged write: the write-blocked window. */
  longestGapMs(): number {
    const a = this.acked();
    let gap = 0;
    for (let i = 1; i < a.length; i++) gap = Math.max(gap, a[i]!.ackAt - a[i - 1]!.ackAt);
    return gap;
  }
}

/**
 * Starts a lab daemon again with the argv the lab recorded for it (after a
 * test killed it), and records the new pid so `lab down` stops it. Unlike the
 * lab's own start functions this keeps the data: a crashed mysqld comes back
 * with its datadir, as on a real server.
 */
export async function restartDaemon(layout: LabLayout, hostName: string, procName: string): Promise<number> {
  const { readState, writeState } = await import('../../deploy/lab/state-file.js');
  const { spawnDaemon } = await import('../../deploy/lab/run.js');
  const { isAlive, processStartTime } = await import('../../deploy/lab/process.js');
  const st = readState(layout)!;
  const host = st.hosts.find((h) => h.name === hostName)!;
  const old = host.processes.find((p) => p.name === procName);
  if (!old) throw new Error(`no ${procName} recorded on ${hostName}`);
  if (isAlive(old.pid, old.startTime)) throw new Error(`${procName} on ${hostName} still runs (pid ${old.pid})`);
  const pid = spawnDaemon(old.argv, old.log);
  host.processes = host.processes.map((p) => (p === old ? { ...old, pid, startTime: processStartTime(pid) } : p));
  writeState(layout, st);
  return pid;
}
