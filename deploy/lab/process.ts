import { readFileSync } from 'node:fs';
import { sleep } from './run.js';

/** A process the lab started, as recorded in state.json. */
export interface LabProcess {
  name: string;
  pid: number;
  /** /proc/<pid>/stat start time (clock ticks since boot): guards against a reused pid */
  startTime: number;
  argv: string[];
  log: string;
}

interface ProcStat {
  state: string;
  startTime: number;
}

function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // the command name (field 2) may contain spaces and parentheses; the fields after the last ')' do not
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const startTime = Number(rest[19]);
  if (!state || !Number.isFinite(startTime)) return undefined;
  return { state, startTime };
}

export function processStartTime(pid: number): number {
  const s = procStat(pid);
  if (!s) throw new Error(`process ${pid} is gone`);
  return s.startTime;
}

/** Alive = exists, is not a zombie (PID 1 in a container may not reap), and is the process we started. */
export function isAlive(pid: number, startTime?: number): boolean {
  const s = procStat(pid);
  if (!s || s.state === 'Z' || s.state === 'X') return false;
  return startTime === undefined || s.startTime === startTime;
}

/** SIGTERM, wait up to timeoutMs for the exit, then SIGKILL. Returns how it ended. */
export async function stopProcess(
  pid: number,
  startTime: number | undefined,
  timeoutMs = 15_000,
): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isAlive(pid, startTime)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid, startTime)) return 'terminated';
    await sleep(25);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* exited just now */
  }
  const killDeadline = Date.now() + 5000;
  while (isAlive(pid, startTime) && Date.now() < killDeadline) await sleep(25);
  return 'killed';
}
