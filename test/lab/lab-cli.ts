import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAIM_DIR, claimStatus } from '../../deploy/lab/lab-claim.js';
import { labLayout, repoRoot, type LabLayout } from '../../deploy/lab/layout.js';
import { networkExists } from '../../deploy/lab/netns.js';
import { isAlive } from '../../deploy/lab/process.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `pnpm lab <args>` the way a user does (node + tsx, no shell) for one lab (an id, or id and directory). */
export function labCli(lab: number | LabLayout, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const t0 = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, WHA_LAB_ID: String(typeof lab === 'number' ? lab : lab.id) };
  delete env.WHA_LAB_DIR;
  if (typeof lab !== 'number') env.WHA_LAB_DIR = lab.dir;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'deploy', 'lab', 'cli.ts'), ...args],
      { cwd: repoRoot, env: { ...env, ...extraEnv }, timeout: 280_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
  });
}

/**
 * Test labs live in `.lab-test-<pid of the test process>[-tag]/`: every run (even two in one checkout)
 * has its own directory, hence its own claim, so concurrent runs never take each other's lab down.
 */
export const testLabDir = (tag = '') => join(repoRoot, `.lab-test-${process.pid}${tag ? `-${tag}` : ''}`);

/** The first id from `first` that no other lab holds and whose namespaces are not in use. */
export async function pickLabId(first: number, dir: string, exclude: number[] = []): Promise<number> {
  for (let id = first; id < first + 60 && id <= 254; id++) {
    if (exclude.includes(id)) continue;
    const layout = labLayout(id, repoRoot, dir);
    const owner = claimStatus(layout);
    if (owner.kind === 'other') continue;
    if (owner.kind === 'free' && (await networkExists(layout))) continue;
    return id;
  }
  throw new Error(`no free lab id from ${first}: too many labs running`);
}

/** `up` on a picked id; if another run took the same id a moment earlier, pick again. */
export async function upOnFreeId(first: number, dir: string, exclude: number[] = []): Promise<{ layout: LabLayout; up: CliResult }> {
  const tried: number[] = [...exclude];
  for (let attempt = 0; attempt < 5; attempt++) {
    const layout = labLayout(await pickLabId(first, dir, tried), repoRoot, dir);
    const up = await labCli(layout, ['up']);
    if (up.code !== 0 && /belongs to the lab in/.test(up.stderr)) {
      tried.push(layout.id);
      continue;
    }
    return { layout, up };
  }
  throw new Error('could not claim a lab id');
}

/** Labs of earlier test runs of this checkout whose test process is gone (an interrupted run). */
export function abandonedTestLabs(): LabLayout[] {
  let entries: string[];
  try {
    entries = readdirSync(CLAIM_DIR);
  } catch {
    return [];
  }
  const found: LabLayout[] = [];
  for (const f of entries) {
    const id = Number(/^(\d+)\.json$/.exec(f)?.[1]);
    if (!id) continue;
    try {
      const { dir } = JSON.parse(readFileSync(join(CLAIM_DIR, f), 'utf8')) as { dir: string };
      const pid = Number(new RegExp(`^${repoRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.lab-test-(\\d+)(-[a-z]+)?$`).exec(dir)?.[1]);
      if (pid && !isAlive(pid)) found.push(labLayout(id, repoRoot, dir));
    } catch {
      /* a claim being written or removed right now */
    }
  }
  return found;
}
