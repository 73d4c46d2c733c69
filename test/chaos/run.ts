/**
 * One chaos run: bring the lab up (its own id), start the workload and the cluster view, let the
 * nemesis inject, hold, heal and wait for the cluster to settle, fault after fault, until the time is
 * up; then wait for both databases to converge, check, report, and take the lab down.
 */
import { join } from 'node:path';
import { labLayout, repoRoot, type LabLayout, type WebHostLayout } from '../../deploy/lab/layout.js';
import { coordinatorConfig } from '../../deploy/lab/ha-config.js';
import { sql } from '../../deploy/lab/mariadb.js';
import { labCli } from '../lab/lab-cli.js';
import { check, type Row } from './checker.js';
import { ClusterView } from './cluster.js';
import { FAULT_KINDS, Nemesis, rng, type Fault, type FaultKind } from './nemesis.js';
import { verdict, writeReport, summary, type ChaosReport } from './report.js';
import { nowMs, Workload } from './workload.js';

export interface ChaosOptions {
  labId: number;
  minutes: number;
  seed: number;
  outDir?: string;
  /** leave the lab up at the end (for a post-mortem) */
  keepLab?: boolean;
  kinds?: readonly FaultKind[];
  availabilityTarget?: number;
  /** quiet seconds after a fault has settled, before the next (drawn uniformly); default [5, 10] */
  quietSeconds?: readonly [number, number];
  log?: (line: string) => void;
}

export interface ChaosOutcome {
  report: ChaosReport;
  files: { json: string; svg: string; txt: string };
  summary: string;
}

const SETTLE_TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rowsOf(host: WebHostLayout, tag: string): Promise<Row[]> {
  const out = await sql(host, `SELECT id, server_id, node, UNIX_TIMESTAMP(created_at) * 1000 FROM whmcs.lab_writes WHERE id LIKE '${tag}-%'`, 60_000);
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, serverId, node, at] = l.split('\t');
      return { id: id!, serverId: Number(serverId), node: node!, createdAt: Number(at) };
    });
}

/** Both nodes hold the same rows of this run, twice in a row (replication has drained). */
async function converge(layout: LabLayout, tag: string, timeoutMs: number): Promise<Record<string, Row[]>> {
  const t0 = Date.now();
  let prev = '';
  let rows: Record<string, Row[]> = {};
  while (Date.now() - t0 < timeoutMs) {
    try {
      rows = Object.fromEntries(await Promise.all(layout.web.map(async (h) => [h.name, await rowsOf(h, tag)] as const)));
      const counts = layout.web.map((h) => rows[h.name]!.length).join('/');
      const same = new Set(layout.web.map((h) => rows[h.name]!.length)).size === 1;
      if (same && counts === prev) return rows;
      prev = counts;
    } catch {
      /* a node's MySQL restarting */
    }
    await sleep(2000);
  }
  return rows;
}

/**
 * A node kept out for errant transactions stops the run from testing anything more. First the
 * acknowledged writes the active lacks are recorded (lost to clients: the new active served without
 * them); then the harness does what an operator whose errant rows are plain inserts would do: the
 * active replicates them back from the kept-out node (START SLAVE), after which the engine rejoins it.
 */
async function mergeKeptOut(layout: LabLayout, view: ClusterView, workload: Workload, tag: string, fault: Fault, log: (l: string) => void): Promise<void> {
  const st = view.last!;
  const active = layout.web.find((h) => h.name === st.active)!;
  // the acknowledgements first: a write acknowledged after the SELECT below would look missing
  const acked = workload.acked().map((r) => r.id);
  const have = new Set((await rowsOf(active, tag)).map((r) => r.id));
  const missing = acked.filter((id) => !have.has(id));
  fault.lostOnActive = { node: active.name, count: missing.length, sample: missing.slice(0, 20) };
  log(`fault ${fault.n}: ${missing.length} acknowledged write(s) missing on the active ${active.name} while ${Object.keys(st.excluded).join(', ')} is kept out`);
  await sql(active, 'START SLAVE');
  fault.operatorActions.push(`merge: START SLAVE on ${active.name} to take back ${Object.keys(st.excluded).join(', ')}'s errant transactions`);
  const again = await view.waitSettled(SETTLE_TIMEOUT_MS);
  if (again.ok) {
    fault.settledAt = nowMs();
    log(`fault ${fault.n}: settled after the merge`);
  } else log(`fault ${fault.n}: still not settled after the merge: ${again.problem}`);
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosOutcome> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`[chaos] ${l}\n`));
  const layout = labLayout(opts.labId, repoRoot);
  const kinds = opts.kinds ?? FAULT_KINDS;
  const random = rng(opts.seed);
  log(`lab ${layout.id} up ...`);
  const up = await labCli(layout, ['up']);
  if (up.code !== 0) throw new Error(`lab up (id ${layout.id}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  const view = new ClusterView(layout);
  const nemesis = new Nemesis(layout, log);
  let workload: Workload | null = null;
  try {
    const first = await view.waitSettled(120_000);
    if (!first.ok) throw new Error(`the fresh lab did not settle: ${first.problem}`);
    const semiSync = (await sql(layout.web[0], 'SELECT @@rpl_semi_sync_master_enabled')).trim() === '1';
    const tag = `c${opts.seed}x${Date.now().toString(36)}`;
    const lbAddress = layout.lb.address;
    const startedAt = nowMs();
    view.start(1000);
    workload = new Workload({ lbAddress, tag, clients: 2, pauseMs: 25, timeoutMs: 3000 });
    log(`workload started (ids ${tag}-*), semi-sync ${semiSync ? 'on' : 'off'}, seed ${opts.seed}, ${opts.minutes} min, ${opts.quietSeconds?.join('-') ?? '5-10'} s quiet between faults`);
    const deadline = startedAt + opts.minutes * 60_000;
    await sleep(5000); // a baseline before the first fault
    let n = 0;
    while (nowMs() < deadline) {
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      const holdMs = 8000 + Math.floor(random() * 8000);
      const [qMin, qMax] = opts.quietSeconds ?? [5, 10];
      const quietMs = Math.round((qMin + random() * (qMax - qMin)) * 1000);
      let status;
      try {
        status = await view.status();
      } catch (e) {
        log(`no status before fault ${n + 1}: ${(e as Error).message}`);
        await sleep(2000);
        continue;
      }
      n += 1;
      const historyMark = view.history().length;
      let fault;
      try {
        fault = await nemesis.inject(n, kind, status);
      } catch (e) {
        log(`fault ${n} (${kind}) not injected: ${(e as Error).message}`);
        await sleep(2000);
        continue;
      }
      await sleep(holdMs);
      await nemesis.heal();
      const settled = await view.waitSettled(SETTLE_TIMEOUT_MS);
      if (settled.ok) {
        fault.settledAt = nowMs();
        log(`fault ${n}: settled ${(settled.ms / 1000).toFixed(1)} s after heal`);
      } else {
        fault.stuck = settled.problem;
        log(`fault ${n}: NOT settled ${SETTLE_TIMEOUT_MS / 1000} s after heal: ${settled.problem}`);
      }
      if (!settled.ok && view.last && Object.keys(view.last.excluded).length > 0 && view.last.active) {
        await mergeKeptOut(layout, view, workload, tag, fault, log);
      }
      // An operator acks after a failover once the failed node is back (blockSeconds would otherwise
      // hold back a failover for the next, unrelated fault), and resumes automation a failed one paused.
      await view.pollHistory();
      const last = view.last;
      if (last?.blockedUntil) fault.operatorActions.push(`ack: ${await view.operate('ack').catch((e: Error) => e.message)}`);
      if (last?.paused) {
        fault.operatorActions.push(`resume: ${await view.operate('resume').catch((e: Error) => e.message)}`);
        const again = await view.waitSettled(SETTLE_TIMEOUT_MS);
        if (again.ok && !fault.settledAt) fault.settledAt = nowMs();
      }
      const events = view.history().slice(historyMark);
      for (const e of events.filter((x) => /failover|switchover|exclude|rejoin|pause/.test(x.kind))) log(`  ${e.kind}: ${e.text}`);
      await sleep(quietMs);
    }
    await nemesis.cleanup();
    const end = await view.waitSettled(SETTLE_TIMEOUT_MS);
    if (!end.ok) log(`the cluster did not settle at the end: ${end.problem}`);
    await sleep(3000);
    const records = await workload.stop();
    workload = null;
    const endedAt = nowMs();
    await view.stop();
    log(`workload stopped: ${records.length} writes; waiting for both databases to converge`);
    const rows = await converge(layout, tag, 120_000);
    const result = check({
      records,
      rows,
      history: view.history(),
      faults: nemesis.faults,
      startedAt,
      endedAt,
      // the lab's own setting: the checker's look-back for failovers
      failureThresholdMs: coordinatorConfig(layout, layout.lb).cluster?.failureThresholdMs ?? 5000,
      graceMs: 5000,
    });
    if (!end.ok) result.stuck.push({ n: 0, kind: 'end of run', problem: end.problem });
    const report: ChaosReport = {
      seed: opts.seed,
      labId: layout.id,
      minutes: opts.minutes,
      quietSeconds: opts.quietSeconds ?? [5, 10],
      startedAt: new Date(startedAt).toISOString(),
      durationS: (endedAt - startedAt) / 1000,
      semiSync,
      result,
      faults: nemesis.faults,
      history: view.history(),
      verdict: verdict(result, opts.availabilityTarget ?? 0.99),
    };
    const files = writeReport(opts.outDir ?? join(repoRoot, 'bench', 'results'), report, records, view.samples, startedAt);
    return { report, files, summary: summary(report) };
  } finally {
    if (workload) await workload.stop();
    await view.stop().catch(() => undefined);
    view.close();
    await nemesis.cleanup().catch(() => undefined);
    if (!opts.keepLab) {
      const down = await labCli(layout, ['down']);
      log(`lab ${layout.id} down (exit ${down.code})`);
    }
  }
}
