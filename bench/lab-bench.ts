/**
 * Benchmarks that need the whole product in a lab of its own (id BENCH_LAB_ID, default 8; brought up
 * and taken down here): switchover write-blocked window, failover RTO after kill -9 of the active's
 * mysqld, and file drift -> converged on the lab's app tree, against lsyncd on the same tree (its
 * default 15 s delay and delay=1, rsync to a local target).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labLayout, repoRoot, type LabLayout } from '../deploy/lab/layout.js';
import { sql } from '../deploy/lab/mariadb.js';
import { readState } from '../deploy/lab/state-file.js';
import { ClusterView } from '../test/chaos/cluster.js';
import { labCli } from '../test/lab/lab-cli.js';
import { hactl, restartDaemon, Writer } from '../test/lab/cluster-client.js';
import type { Figure } from './figure.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 20): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

async function settled(view: ClusterView): Promise<void> {
  const s = await view.waitSettled(120_000);
  if (!s.ok) throw new Error(`the lab did not settle: ${s.problem}`);
}

async function switchoverWindow(layout: LabLayout, view: ClusterView, to: string): Promise<number> {
  const w = new Writer(layout.lb.address, `bsw${Date.now().toString(36)}`);
  await sleep(1500);
  const r = await hactl(layout, ['switchover', '--to', to, '--yes']);
  if (r.code !== 0) throw new Error(`switchover to ${to} failed: ${r.stderr}${r.stdout}`);
  await sleep(1500);
  await w.stop();
  await settled(view);
  return w.longestGapMs();
}

async function failoverRto(layout: LabLayout, view: ClusterView): Promise<number> {
  const s = await view.status();
  const from = s.active!;
  const to = s.nodes.find((n) => n.name !== from)!.name;
  const w = new Writer(layout.lb.address, `bfo${Date.now().toString(36)}`);
  await sleep(1500);
  const pid = readState(layout)!.hosts.find((h) => h.name === from)!.processes.find((p) => p.name === 'mariadb')!.pid;
  const killedAt = performance.now();
  process.kill(pid, 'SIGKILL');
  await until('a write acknowledged by the new active', () => w.acked().some((r) => r.node === to && r.sentAt > killedAt), 60_000);
  const rto = w.acked().find((r) => r.node === to && r.sentAt > killedAt)!.ackAt - killedAt;
  await w.stop();
  await until('mysqld gone', () => !existsSync(`/proc/${pid}/stat`) || /\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), 30_000, 100);
  await restartDaemon(layout, from, 'mariadb');
  await settled(view);
  await view.operate('ack').catch(() => undefined); // lift the anti-flapping block for the next run
  return rto;
}

/** A new file on the active's tree -> the same bytes on the passive's tree (whmcs-ha's own sync). */
async function driftConverged(layout: LabLayout, view: ClusterView, i: number): Promise<number> {
  const s = await view.status();
  const active = layout.web.find((h) => h.name === s.active)!;
  const passive = layout.web.find((h) => h.name !== s.active)!;
  const name = `bench-drift-${Date.now().toString(36)}-${i}.php`;
  const body = `<?php // bench ${i} ${Date.now()}\n`;
  const t0 = performance.now();
  writeFileSync(join(active.appDir, name), body);
  await until('the passive has the file', () => {
    try {
      return readFileSync(join(passive.appDir, name), 'utf8') === body;
    } catch {
      return false;
    }
  }, 120_000);
  const ms = performance.now() - t0;
  await settled(view);
  return ms;
}

/** lsyncd (default.rsync, local target) on a copy of the same tree: a new file -> in the target. */
async function lsyncdConverged(tree: string, delay: number | null, runs: number): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wha-bench-lsyncd-'));
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  cpSync(tree, src, { recursive: true });
  mkdirSync(dst);
  const conf = join(dir, 'lsyncd.conf.lua');
  writeFileSync(
    conf,
    [
      `settings { nodaemon = true, logfile = "${join(dir, 'lsyncd.log')}", statusFile = "${join(dir, 'lsyncd.status')}" }`,
      `sync { default.rsync, source = "${src}", target = "${dst}"${delay === null ? '' : `, delay = ${delay}`} }`,
      '',
    ].join('\n'),
  );
  const child = spawn('lsyncd', [conf], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const missing = new Promise<never>((_, reject) =>
    child.on('error', (e) => reject(new Error(`lsyncd could not start (${e.message}); scripts/setup.sh installs it (Debian package lsyncd)`))),
  );
  void missing.catch(() => undefined);
  try {
    // lsyncd starts with a full rsync of the tree
    await Promise.race([until('lsyncd initial sync', () => existsSync(join(dst, 'write.php')), 60_000, 100), missing]);
    await sleep(1000);
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const name = `bench-drift-${i}.php`;
      const body = `<?php // bench ${i} ${Date.now()}\n`;
      const t0 = performance.now();
      writeFileSync(join(src, name), body);
      await until('lsyncd copied the file', () => {
        try {
          return readFileSync(join(dst, name), 'utf8') === body;
        } catch {
          return false;
        }
      }, 120_000);
      out.push(performance.now() - t0);
      await sleep(500);
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function labBench(log: (l: string) => void): Promise<Figure[]> {
  const id = Number(process.env.BENCH_LAB_ID ?? 8);
  const layout = labLayout(id, repoRoot);
  log(`lab ${id} up ...`);
  const up = await labCli(layout, ['up']);
  if (up.code !== 0) throw new Error(`lab up (id ${id}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  const view = new ClusterView(layout);
  const figures: Figure[] = [];
  try {
    await settled(view);
    const semiSync = (await sql(layout.web[0], 'SELECT @@rpl_semi_sync_master_enabled')).trim() === '1';
    // the issue's figures are distributions over at least 20 runs each; BENCH_RUNS=3 for a quick look
    const runs = Number(process.env.BENCH_RUNS ?? 20);
    const sw: number[] = [];
    for (let i = 0; i < runs; i++) {
      const to = i % 2 === 0 ? 'web002' : 'web001';
      sw.push(await switchoverWindow(layout, view, to));
      log(`switchover to ${to}: write-blocked window ${sw.at(-1)!.toFixed(0)} ms`);
    }
    if (runs % 2 === 1) await switchoverWindow(layout, view, 'web001'); // leave web001 active for what follows
    figures.push({ area: 'lab', name: 'switchover write-blocked window', value: median(sw), unit: 'ms', text: spread(sw) });
    const fo: number[] = [];
    for (let i = 0; i < runs; i++) {
      fo.push(await failoverRto(layout, view));
      log(`failover after kill -9 of the active's mysqld: RTO ${fo.at(-1)!.toFixed(0)} ms`);
    }
    figures.push({
      area: 'lab',
      name: `failover RTO (kill -9 mysqld -> first write acknowledged by the new active; semi-sync ${semiSync ? 'on' : 'off'})`,
      value: median(fo),
      unit: 'ms',
      text: spread(fo),
    });
    const dr: number[] = [];
    for (let i = 0; i < runs; i++) {
      dr.push(await driftConverged(layout, view, i));
      log(`file drift -> converged (whmcs-ha): ${dr.at(-1)!.toFixed(0)} ms`);
    }
    const tree = layout.web[0].appDir;
    const l15 = await lsyncdConverged(tree, null, 2);
    log(`lsyncd default delay: ${l15.map((x) => x.toFixed(0)).join(', ')} ms`);
    const l1 = await lsyncdConverged(tree, 1, Math.min(runs, 10));
    log(`lsyncd delay=1: ${l1.map((x) => x.toFixed(0)).join(', ')} ms`);
    const whm = median(dr);
    figures.push({ area: 'files', name: 'lsyncd, default delay (15 s), new file -> in target', value: median(l15), unit: 'ms', text: `median of ${l15.length}` });
    figures.push({ area: 'files', name: 'lsyncd, delay=1, new file -> in target', value: median(l1), unit: 'ms', text: `median of ${l1.length}` });
    figures.push({
      area: 'files',
      name: 'whmcs-ha, new file on the active -> on the passive',
      value: whm,
      unit: 'ms',
      text: spread(dr),
      baseline: { name: 'lsyncd delay=1', value: median(l1), unit: 'ms' },
      ratio: whm / median(l1),
    });
    figures.push({
      area: 'files',
      name: 'whmcs-ha vs lsyncd default delay',
      value: whm,
      unit: 'ms',
      baseline: { name: 'lsyncd default (15 s)', value: median(l15), unit: 'ms' },
      ratio: whm / median(l15),
    });
    return figures;
  } finally {
    view.close();
    const down = await labCli(layout, ['down']);
    log(`lab ${id} down (exit ${down.code})`);
  }
}

/** A distribution in one line: count, median, p90, p99 (the max below 100 runs). */
function spread(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return `n=${s.length}: median ${median(s).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
}
