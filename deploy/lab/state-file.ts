import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { HostName, HostRole, LabLayout } from './layout.js';
import { isAlive, type LabProcess } from './process.js';

export interface HostState {
  name: HostName;
  role: HostRole;
  netns: string;
  address: string;
  processes: LabProcess[];
}

/** `.lab/state.json`: the public record of a running lab (DESIGN §11). */
export interface LabState {
  labId: number;
  status: 'starting' | 'running';
  startedAt: string;
  bridge: string;
  subnet: string;
  rootAddress: string;
  lbUrl: string;
  installPath: string;
  hactlConfig: string;
  /** whether `up` started whmcs-ha agents and coordinators (see ha-processes.ts) */
  haProcesses: boolean;
  mysql: {
    appUser: string;
    database: string;
    monitorUser: string;
    replicationUser: string;
    /** 0600 files holding the passwords */
    passwordFiles: { app: string; replication: string; monitor: string };
  };
  hosts: HostState[];
}

export function newState(layout: LabLayout, haProcesses: boolean, passwordFiles: LabState['mysql']['passwordFiles']): LabState {
  return {
    labId: layout.id,
    status: 'starting',
    startedAt: new Date().toISOString(),
    bridge: layout.bridge,
    subnet: layout.subnet,
    rootAddress: layout.rootAddress,
    lbUrl: layout.lbUrl,
    installPath: layout.installPath,
    hactlConfig: layout.hactlFile,
    haProcesses,
    mysql: { appUser: 'whmcs', database: 'whmcs', monitorUser: 'whmcs_ha', replicationUser: 'repl', passwordFiles },
    hosts: layout.hosts.map((h) => ({ name: h.name, role: h.role, netns: h.netns, address: h.address, processes: [] })),
  };
}

export function readState(layout: LabLayout): LabState | undefined {
  if (!existsSync(layout.stateFile)) return undefined;
  return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as LabState;
}

/** Written after every process start, so a half-finished `up` can always be undone by `down`. */
export function writeState(layout: LabLayout, state: LabState): void {
  const tmp = `${layout.stateFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, layout.stateFile);
}

export function removeState(layout: LabLayout): void {
  rmSync(layout.stateFile, { force: true });
}

export function recordProcess(state: LabState, host: HostName, proc: LabProcess): void {
  const h = state.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host ${host} in state`);
  h.processes.push(proc);
}

export function allProcesses(state: LabState): Array<LabProcess & { host: HostName }> {
  return state.hosts.flatMap((h) => h.processes.map((p) => ({ ...p, host: h.name })));
}

export function liveness(state: LabState): { alive: number; dead: string[] } {
  const dead: string[] = [];
  let alive = 0;
  for (const p of allProcesses(state)) {
    if (isAlive(p.pid, p.startTime)) alive++;
    else dead.push(`${p.host}/${p.name} (pid ${p.pid})`);
  }
  return { alive, dead };
}
