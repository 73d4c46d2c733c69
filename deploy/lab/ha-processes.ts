import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withAppMount } from './app-install.js';
import { coordinatorHosts, haConfigFiles } from './ha-config.js';
import type { HostLayout, LabLayout, WebHostLayout } from './layout.js';
import { isAlive, processStartTime, type LabProcess } from './process.js';
import { inNetns, sleep, spawnDaemon } from './run.js';

/**
 * The switch for starting whmcs-ha itself in the lab: an agent on each web node and a coordinator on
 * each voter. On by default; WHA_LAB_HA=0 (or =1) overrides it for one run.
 */
export const START_HA_PROCESSES_BY_DEFAULT = true;

export function haProcessesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.WHA_LAB_HA === '1') return true;
  if (env.WHA_LAB_HA === '0') return false;
  return START_HA_PROCESSES_BY_DEFAULT;
}

const bin = (layout: LabLayout, pkg: 'agent' | 'coordinator') => join(layout.repoRoot, 'packages', pkg, 'dist', 'main.js');

async function startOne(name: string, argv: string[], log: string): Promise<LabProcess> {
  const pid = spawnDaemon(argv, log);
  const startTime = processStartTime(pid);
  // a daemon that cannot read its config exits at once; catch that here rather than in a test
  await sleep(300);
  if (!isAlive(pid, startTime)) throw new Error(`${name} exited right after start; see ${log}`);
  return { name, pid, startTime, argv, log };
}

/** Coordinators first (agents connect to them), then agents; each recorded as soon as it runs. */
export async function startHaProcesses(layout: LabLayout, record: (host: HostLayout, proc: LabProcess) => void): Promise<void> {
  for (const pkg of ['agent', 'coordinator'] as const) {
    if (!existsSync(bin(layout, pkg))) throw new Error(`${bin(layout, pkg)} is missing: run \`pnpm build\` first`);
  }
  const files = haConfigFiles(layout);
  for (const c of coordinatorHosts(layout)) {
    const argv = inNetns(c.netns, [process.execPath, bin(layout, 'coordinator'), '--config', files.coordinator(c)]);
    record(c, await startOne('whmcs-ha-coordinator', argv, join(layout.logsDir, `${c.name}-coordinator.log`)));
  }
  for (const w of layout.web as WebHostLayout[]) {
    // the agent sees the node's app copy at the install path, like the node's PHP-FPM and nginx
    const argv = inNetns(w.netns, withAppMount(layout, w, [process.execPath, bin(layout, 'agent'), '--config', files.agent(w)]));
    record(w, await startOne('whmcs-ha-agent', argv, join(layout.logsDir, `${w.name}-agent.log`)));
  }
}
