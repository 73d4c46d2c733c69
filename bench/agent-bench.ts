/**
 * Agent benchmarks (issue 3): on a generated 20,000-file / 300 MB tree,
 *  - full manifest time vs `find -type f -print0 | xargs -0 sha256sum` (goal <= 1.2x),
 *  - change -> new root digest latency with the default 200 ms debounce (goal 300 ms),
 *  - RSS and CPU of a real agent process watching that tree with 1 s reports
 *    to a real AgentLinkServer, probing a real MariaDB and PHP-FPM (goal <= 80 MB, <= 1% of a core),
 *  - probe latencies as reported.
 * Everything runs on loopback in a temp dir, removed at the end.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Manifest } from '../packages/agent/src/files/manifest.js';
import { startLinkServer } from '../packages/agent/test/support/link-server.js';
import { PROBE_PASSWORD, PROBE_USER, startMariaDb } from '../packages/agent/test/support/mariadb-server.js';
import { startPhpFpm } from '../packages/agent/test/support/php-fpm-server.js';
import { startProcess } from '../packages/agent/test/support/process-handle.js';

const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const BYTES = Number(process.env.BENCH_BYTES ?? 300 * 1024 * 1024);
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? 20);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

function generate(root: string): void {
  const avg = BYTES / FILES;
  const buf = Buffer.allocUnsafe(Math.ceil(avg * 2));
  randomFillSync(buf);
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, `mod${i % 40}`, `sub${Math.floor(i / 40) % 25}`);
    if (i < 1000) mkdirSync(dir, { recursive: true });
    // sizes from 0.5x to 1.5x the average, total ~BYTES
    const size = Math.floor(avg * (0.5 + (i % 101) / 100));
    buf.writeUInt32LE(i, 0); // every file distinct
    writeFileSync(join(dir, `file${i}.php`), buf.subarray(0, size));
  }
  mkdirSync(join(root, 'templates_c'), { recursive: true });
}

function sha256sumTree(root: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const find = spawn('find', [root, '-type', 'f', '-print0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const xargs = spawn('xargs', ['-0', 'sha256sum'], { stdio: ['pipe', 'ignore', 'inherit'] });
    find.stdout.pipe(xargs.stdin);
    xargs.on('error', reject);
    xargs.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`xargs sha256sum exit ${code}`))));
  });
}

function procStats(pid: number): { rssKb: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssKb, cpuTicks: Number(f[11]) + Number(f[12]) };
}

export async function agentBench(): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'wha-bench-'));
  const root = join(dir, 'whmcs');
  const out: Record<string, string> = {};
  const stops: (() => Promise<void>)[] = [];
  try {
    process.stdout.write(`generating ${FILES} files / ${(BYTES / 1048576).toFixed(0)} MB in ${root} ...\n`);
    generate(root);
    // warm the page cache once so both sides read from memory
    await sha256sumTree(root);

    const shaTimes: number[] = [];
    const manTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      shaTimes.push(await sha256sumTree(root));
      const t0 = performance.now();
      const st = await new Manifest({ root, excludes: [], debounceMs: 200 }).scan();
      manTimes.push(performance.now() - t0);
      if (st.fileCount !== FILES) throw new Error(`manifest saw ${st.fileCount} files, expected ${FILES}`);
    }
    const sha = median(shaTimes);
    const man = median(manTimes);
    out['sha256sum (find | xargs -0 sha256sum)'] = ms(sha);
    out['manifest full scan'] = `${ms(man)}  (${(man / sha).toFixed(2)}x sha256sum; goal <= 1.2x)`;

    // change -> new digest, through chokidar with the default debounce
    const m = new Manifest({ root, excludes: [], debounceMs: 200 });
    const tw = performance.now();
    await m.start();
    out['watcher start + initial scan'] = ms(performance.now() - tw);
    const lat: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = m.state().rootDigest;
      const seen = new Promise<number>((resolve) => {
        const t0 = performance.now();
        const on = (s: { rootDigest: string }) => {
          if (s.rootDigest !== before) {
            m.off('change', on);
            resolve(performance.now() - t0);
          }
        };
        m.on('change', on);
        writeFileSync(join(root, `mod${i}`, 'sub0', `file${i}.php`), `edit ${i} ${Date.now()}`);
      });
      lat.push(await seen);
      await new Promise((r) => setTimeout(r, 300));
    }
    await m.close();
    out['change -> new digest (debounce 200 ms)'] = `median ${ms(median(lat))}, max ${ms(Math.max(...lat))}  (goal 300 ms)`;

    // a real agent process watching the tree, reporting every second
    const [db, fpm, link] = await Promise.all([startMariaDb(join(dir, 'db'), 1), startPhpFpm(join(dir, 'fpm')), startLinkServer('bench')]);
    stops.push(() => db.stop(), () => fpm.stop(), () => link.stop());
    const pw = join(dir, 'mysql.pw');
    writeFileSync(pw, PROBE_PASSWORD, { mode: 0o600 });
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(
      cfg,
      [
        'node: web001',
        'insecure: true',
        `dataDir: ${join(dir, 'data')}`,
        `coordinators: [{ id: bench, address: "${link.address}" }]`,
        'reportIntervalMs: 1000',
        `mysql: { host: 127.0.0.1, port: ${db.port}, user: ${PROBE_USER}, password: { file: ${pw} }, timeoutMs: 2000 }`,
        `phpFpm: { socket: ${fpm.socket} }`,
        `files: { root: ${root} }`,
        '',
      ].join('\n'),
    );
    const reports: { mysql: number; fpm: number }[] = [];
    let ready = false;
    link.links.on('report', (_n, r) => {
      if (r.files?.ready) ready = true;
      if (ready && r.mysql?.up && r.phpFpm?.up) reports.push({ mysql: r.mysql.latencyMs, fpm: r.phpFpm.latencyMs });
    });
    const main = fileURLToPath(new URL('../packages/agent/dist/main.js', import.meta.url));
    // started the way the installed binary starts: through its shebang line (env -S, flags and malloc settings)
    const shebang = readFileSync(main, 'utf8').split('\n', 1)[0]!;
    const viaEnv = shebang.startsWith('#!/usr/bin/env -S ') ? shebang.slice('#!/usr/bin/env -S '.length) : undefined;
    out['agent started as'] = viaEnv ? `env -S "${viaEnv}" main.js` : 'node main.js';
    const agent = viaEnv
      ? startProcess('/usr/bin/env', ['-S', viaEnv, main, '--config', cfg], join(dir, 'agent.log'), { ...process.env, WHA_LOG_LEVEL: 'warn' })
      : startProcess(process.execPath, [main, '--config', cfg], join(dir, 'agent.log'), { ...process.env, WHA_LOG_LEVEL: 'warn' });
    stops.push(() => agent.stop());
    const t0 = performance.now();
    while (!ready) {
      if (agent.child.exitCode !== null) throw new Error(`agent exited: ${readFileSync(join(dir, 'agent.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    out['agent start -> first ready report'] = ms(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5000)); // let the start-up garbage go
    const a = procStats(agent.pid);
    const ta = performance.now();
    let maxRss = a.rssKb;
    const until = ta + STEADY_S * 1000;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      maxRss = Math.max(maxRss, procStats(agent.pid).rssKb);
    }
    const b = procStats(agent.pid);
    const wall = (performance.now() - ta) / 1000;
    const ticks = 100; // USER_HZ on Linux
    const cpu = ((b.cpuTicks - a.cpuTicks) / ticks / wall) * 100;
    out[`agent RSS at steady state (${FILES} files watched)`] = `${(b.rssKb / 1024).toFixed(1)} MB (max ${(maxRss / 1024).toFixed(1)} MB; goal <= 80 MB)`;
    out[`agent CPU at steady state (1 s reports, ${STEADY_S} s)`] = `${cpu.toFixed(2)} % of a core (goal <= 1%)`;
    const recent = reports.slice(-STEADY_S);
    out['probe latency MySQL (median of reports)'] = `${median(recent.map((r) => r.mysql)).toFixed(2)} ms`;
    out['probe latency PHP-FPM ping (median of reports)'] = `${median(recent.map((r) => r.fpm)).toFixed(2)} ms`;
    return out;
  } finally {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
