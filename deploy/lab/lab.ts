import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { installApp, schemaFile } from './app-install.js';
import { writeHaConfigs } from './ha-config.js';
import { claim, ClaimedElsewhere, claimStatus, release } from './lab-claim.js';
import { haProcessesEnabled, startHaProcesses } from './ha-processes.js';
import type { HostName, LabLayout, WebHostLayout } from './layout.js';
import { bootstrapMariadb, replicaStatus, sql, startMariadb, startReplication, waitReplicating } from './mariadb.js';
import { createNetwork, destroyNetwork, networkExists } from './netns.js';
import { startLbNginx, startWebNginx } from './nginx.js';
import { startPhpFpm } from './php-fpm.js';
import { preflight } from './preflight.js';
import { stopProcess, type LabProcess } from './process.js';
import { startRsyncDaemon } from './rsync-daemon.js';
import { waitFor } from './run.js';
import { createSecrets, secretFiles } from './secrets.js';
import { allProcesses, liveness, newState, readState, recordProcess, removeState, writeState, type LabState } from './state-file.js';

export interface Output {
  info: (msg: string) => void;
  warn: (msg: string) => void;
}

export type UpResult = { outcome: 'started'; state: LabState; ms: number } | { outcome: 'already-running'; state: LabState };

/** Brings the whole lab up; on any failure it undoes what it did, so nothing is left behind. */
export async function labUp(layout: LabLayout, out: Output): Promise<UpResult> {
  await preflight(out.info);
  // before anything else: never look at, let alone remove, a namespace of another checkout's lab
  claim(layout);
  const existing = readState(layout);
  if (existing) {
    const { alive, dead } = liveness(existing);
    if (existing.status === 'running' && dead.length === 0) return { outcome: 'already-running', state: existing };
    out.warn(
      alive > 0
        ? `lab ${layout.id} is half up (${dead.join(', ')} not running): taking it down and starting afresh`
        : `lab ${layout.id} left a state file but nothing runs: cleaning up and starting afresh`,
    );
    await labDown(layout, out, { keepClaim: true });
  } else if (await networkExists(layout)) {
    out.warn(`lab ${layout.id} left namespaces behind without a state file: removing them`);
    await labDown(layout, out, { keepClaim: true });
  }

  const t0 = Date.now();
  // a fresh lab every time: old data, configs and logs go (logs of the previous run survive only until this point)
  for (const sub of ['hosts', 'secrets', 'www', 'logs']) rmSync(join(layout.dir, sub), { recursive: true, force: true });
  mkdirSync(layout.logsDir, { recursive: true });
  const secrets = createSecrets(layout);
  const ha = haProcessesEnabled();
  const state = newState(layout, ha, secretFiles(layout));
  const record = (host: HostName, p: LabProcess) => {
    recordProcess(state, host, p);
    writeState(layout, state);
  };
  writeState(layout, state);
  try {
    await createNetwork(layout);
    out.info(`network: bridge ${layout.bridge} ${layout.rootAddress}/${layout.prefixLength}, namespaces ${layout.hosts.map((h) => h.netns).join(' ')}`);
    // allSettled: on a failure, wait for the other branches to finish before undoing, so none starts a process after `down`
    const results = await Promise.allSettled([
      startLbNginx(layout, layout.lb, layout.web[0]).then((p) => record(layout.lb.name, p)),
      ...layout.web.map(async (w) => {
        mkdirSync(w.runDir, { recursive: true });
        installApp(layout, w, secrets);
        record(w.name, await startMariadb(layout, w));
        await bootstrapMariadb(w, secrets, schemaFile);
        record(w.name, await startPhpFpm(layout, w));
        record(w.name, await startWebNginx(layout, w));
        record(w.name, await startRsyncDaemon(layout, w));
      }),
    ]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const [web001, web002] = layout.web;
    await startReplication(web001, web002, secrets);
    await startReplication(web002, web001, secrets);
    await Promise.all([waitReplicating(web001), waitReplicating(web002)]);
    // DESIGN §6: every node boots read-only; until coordinators decide, the lab makes web001 the writer
    await sql(web001, 'SET GLOBAL read_only = OFF');
    writeHaConfigs(layout);
    if (ha) await startHaProcesses(layout, (h, p) => record(h.name, p));
    await waitFor(
      'the app through the load balancer',
      async () => {
        const res = await fetch(new URL('health.php', layout.lbUrl), { signal: AbortSignal.timeout(2000) });
        const body = (await res.json()) as { node?: string; readOnly?: boolean };
        return res.status === 200 && body.node === web001.name && body.readOnly === false;
      },
      20_000,
      100,
    );
    state.status = 'running';
    writeState(layout, state);
    return { outcome: 'started', state, ms: Date.now() - t0 };
  } catch (e) {
    out.warn(`lab up failed: ${e instanceof Error ? e.message : String(e)}`);
    out.warn(`logs: ${layout.logsDir}; undoing the partial lab`);
    await labDown(layout, out, { keepLogs: true });
    throw e;
  }
}

/** Stop order: whmcs-ha first, then what serves traffic, the databases last. */
const STOP_ORDER = ['whmcs-ha-agent', 'whmcs-ha-coordinator', 'nginx', 'php-fpm', 'rsyncd', 'mariadb'];

/**
 * Stops exactly the processes state.json records (by pid and start time), then removes the namespaces,
 * veths and bridge of this lab id, and the lab's data. Logs stay for a post-mortem.
 */
export async function labDown(layout: LabLayout, out: Output, opts: { keepLogs?: boolean; keepClaim?: boolean } = {}): Promise<{ ms: number; stopped: number; killed: string[] }> {
  const t0 = Date.now();
  const owner = claimStatus(layout);
  if (owner.kind === 'other') throw new ClaimedElsewhere(layout.id, owner.dir);
  const state = readState(layout);
  const killed: string[] = [];
  let stopped = 0;
  if (state) {
    const procs = allProcesses(state);
    for (const name of [...STOP_ORDER, ...new Set(procs.map((p) => p.name).filter((n) => !STOP_ORDER.includes(n)))]) {
      await Promise.all(
        procs
          .filter((p) => p.name === name)
          .map(async (p) => {
            const how = await stopProcess(p.pid, p.startTime, name === 'mariadb' ? 30_000 : 10_000);
            if (how === 'killed') killed.push(`${p.host}/${p.name} (pid ${p.pid})`);
            if (how !== 'not-running') stopped++;
          }),
      );
    }
    if (killed.length > 0) out.warn(`did not exit in time, killed: ${killed.join(', ')}`);
  }
  await destroyNetwork(layout, out.warn);
  removeState(layout);
  rmSync(layout.hactlFile, { force: true });
  for (const sub of ['hosts', 'secrets', 'www', ...(opts.keepLogs ? [] : ['logs'])]) {
    rmSync(join(layout.dir, sub), { recursive: true, force: true });
  }
  if (!opts.keepClaim) release(layout);
  if (existsSync(layout.dir) && readdirSync(layout.dir).length === 0) rmSync(layout.dir, { recursive: true, force: true });
  return { ms: Date.now() - t0, stopped, killed };
}

export interface NodeStatus {
  name: string;
  readOnly?: boolean;
  replication?: string;
  error?: string;
}

/** Liveness of every recorded process, plus each web node's read_only and replica threads. */
export async function labStatus(layout: LabLayout): Promise<{ state?: LabState; alive: number; dead: string[]; nodes: NodeStatus[] }> {
  const state = readState(layout);
  if (!state) return { alive: 0, dead: [], nodes: [] };
  const { alive, dead } = liveness(state);
  const nodes = await Promise.all(
    layout.web.map(async (w: WebHostLayout): Promise<NodeStatus> => {
      try {
        const ro = (await sql(w, 'SELECT @@read_only', 3000)).trim();
        const r = await replicaStatus(w);
        return {
          name: w.name,
          readOnly: ro === '1',
          replication: r ? `IO ${r.ioRunning}, SQL ${r.sqlRunning}${r.lastError ? `, error: ${r.lastError}` : ''}` : 'not configured',
        };
      } catch (e) {
        return { name: w.name, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
      }
    }),
  );
  return { state, alive, dead, nodes };
}
