import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readJson } from './durable-file.js';
import { readLease, type StoredLease } from './lease-store.js';

/**
 * Exit codes of `whmcs-ha-agent cron -- <command...>`:
 *   0    the command ran and exited 0, or it was not run (this node is not
 *        the active one with a fresh lease: one line on stdout says why)
 *   N    the command ran and exited N (1-125)
 *   126  the command exists but could not be executed (EACCES)
 *   127  the command was not found
 *   128+s the command was killed by signal s
 *   2    bad usage or config (names the field)
 */
export const CRON_EXIT = { skipped: 0, cannotExecute: 126, notFound: 127, usage: 2 } as const;

export type GateDecision = { run: true; reason: string } | { run: false; reason: string };

/**
 * Decides whether the cron job may run here: this node holds the latest lease,
 * the lease is for the highest epoch this agent has seen, and it was renewed
 * within its duration (DESIGN §4.4). Pure: time and files come in as values.
 */
export function gateDecision(node: string, lease: StoredLease | undefined, highestEpoch: number, nowMs: number): GateDecision {
  if (!lease) return { run: false, reason: `skipped: ${node} holds no lease (no lease received from a leader yet)` };
  if (lease.node !== node) return { run: false, reason: `skipped: ${node} is not active; the lease at epoch ${lease.epoch} is for ${lease.node}` };
  if (lease.epoch < highestEpoch) return { run: false, reason: `skipped: the lease of ${node} is for epoch ${lease.epoch}, the current epoch is ${highestEpoch}` };
  const expires = lease.receivedAtMs + lease.durationMs;
  if (nowMs > expires) return { run: false, reason: `skipped: the lease of ${node} at epoch ${lease.epoch} expired ${((nowMs - expires) / 1000).toFixed(1)} s ago (not renewed by the leader)` };
  if (lease.receivedAtMs > nowMs + 5000) return { run: false, reason: `skipped: the lease of ${node} was received in the future (clock stepped back?)` };
  return { run: true, reason: `running: ${node} is active at epoch ${lease.epoch}, lease valid for ${((expires - nowMs) / 1000).toFixed(1)} s` };
}

export function readHighestEpoch(dataDir: string): number {
  const raw = readJson(join(dataDir, 'fencing.json')) as { highestEpoch?: unknown } | undefined;
  const e = raw?.highestEpoch;
  return typeof e === 'number' && Number.isInteger(e) && e >= 0 ? e : 0;
}

/** Runs `argv` with inherited stdio, forwarding SIGTERM/SIGINT/SIGHUP, and returns the exit code to use. */
export function runCommand(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (code: number) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      process.stderr.write(`whmcs-ha-agent cron: cannot run ${argv[0]}: ${e.code ?? e.message}\n`);
      done(e.code === 'ENOENT' ? CRON_EXIT.notFound : CRON_EXIT.cannotExecute);
    });
    child.on('exit', (code, signal) => {
      if (signal) done(128 + (constants.signals[signal] ?? 0));
      else done(code ?? 1);
    });
  });
}

/**
 * Takes `lockFile` (O_EXCL, holding our pid) so two runs of the same job on
 * this node never overlap. A lock whose pid is gone is stale and taken over.
 * Returns undefined when taken, else the pid holding it.
 */
export function takeLock(lockFile: string): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = 0;
    try {
      pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    } catch {
      /* removed meanwhile: try again */
    }
    if (pid > 0 && pidAlive(pid)) return pid;
    try {
      unlinkSync(lockFile);
    } catch {
      /* someone else took it over first */
    }
  }
  return -1;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function cronGate(node: string, dataDir: string, argv: string[], opts: { lockFile?: string | undefined; nowMs?: number } = {}): Promise<number> {
  const d = gateDecision(node, readLease(dataDir), readHighestEpoch(dataDir), opts.nowMs ?? Date.now());
  if (!d.run) {
    process.stdout.write(`whmcs-ha-agent cron: ${d.reason}\n`);
    return CRON_EXIT.skipped;
  }
  if (!opts.lockFile) return runCommand(argv);
  const holder = takeLock(opts.lockFile);
  if (holder !== undefined) {
    process.stdout.write(`whmcs-ha-agent cron: skipped: the previous run${holder > 0 ? ` (pid ${holder})` : ''} still holds ${opts.lockFile}\n`);
    return CRON_EXIT.skipped;
  }
  try {
    return await runCommand(argv);
  } finally {
    try {
      unlinkSync(opts.lockFile);
    } catch {
      /* already gone */
    }
  }
}
