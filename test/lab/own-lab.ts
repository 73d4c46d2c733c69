import { rmSync } from 'node:fs';
import type { LabLayout } from '../../deploy/lab/layout.js';
import { stopProcess } from '../../deploy/lab/process.js';
import { readState } from '../../deploy/lab/state-file.js';
import { hactl, restartDaemon, type StatusJson } from './cluster-client.js';
import { labCli, testLabDir, upOnFreeId } from './lab-cli.js';

/**
 * A lab of the test file's own (first free id from `firstId`, its own directory), for tests that break
 * the cluster and must not disturb the suite's shared lab. Up in beforeAll, down in afterAll.
 */
export async function upOwnLab(tag: string, firstId = 5): Promise<LabLayout> {
  // ids 6-8 are other engineers' hand-run labs by convention; when 5 is busy, fall back past them
  const { layout, up } = await upOnFreeId(firstId, testLabDir(tag), [6, 7, 8].filter((id) => id !== firstId));
  if (up.code !== 0) throw new Error(`lab up (id ${layout.id}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  return layout;
}

export async function downOwnLab(layout: LabLayout | undefined): Promise<void> {
  if (!layout) return;
  const down = await labCli(layout, ['down']);
  if (down.code !== 0) throw new Error(`lab down (id ${layout.id}) failed:\n${down.stdout}\n${down.stderr}`);
  rmSync(layout.dir, { recursive: true, force: true });
}

export { untilStatus } from './cluster-client.js';

export const settled = (s: StatusJson) =>
  s.active === 'web001' && !s.paused && s.operation === null && s.nodes.every((n) => n.healthy && n.files.inSync === true);

/** Stops a lab daemon (its recorded pid) and starts it again with the same argv, e.g. after its config changed. */
export async function restartLabProcess(layout: LabLayout, host: string, name: string): Promise<void> {
  const p = readState(layout)!.hosts.find((h) => h.name === host)!.processes.find((x) => x.name === name)!;
  await stopProcess(p.pid, p.startTime);
  await restartDaemon(layout, host, name);
}

export { hactl };
