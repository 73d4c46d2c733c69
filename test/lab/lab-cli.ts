import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { claimStatus } from '../../deploy/lab/lab-claim.js';
import { labLayout, repoRoot } from '../../deploy/lab/layout.js';
import { networkExists } from '../../deploy/lab/netns.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `pnpm lab <args>` the way a user does (node + tsx, no shell), for one lab id. */
export function labCli(labId: number, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'deploy', 'lab', 'cli.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, WHA_LAB_ID: String(labId), ...extraEnv }, timeout: 280_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - t0 });
      },
    );
  });
}

/**
 * A lab id for a test lab: the first from `first` on that no other checkout's lab holds (another clone may
 * run the suite at the same time), and whose namespaces are not in use without a claim.
 */
export async function pickLabId(first: number, exclude: number[] = []): Promise<number> {
  for (let id = first; id < first + 60 && id <= 254; id++) {
    if (exclude.includes(id)) continue;
    const layout = labLayout(id);
    const owner = claimStatus(layout);
    if (owner.kind === 'other') continue;
    if (owner.kind === 'free' && (await networkExists(layout))) continue;
    return id;
  }
  throw new Error(`no free lab id from ${first}: too many labs running`);
}

/** `up` on a picked id; if another run took the same id a moment earlier, pick again. */
export async function upOnFreeId(first: number, exclude: number[] = []): Promise<{ id: number; up: CliResult }> {
  const tried: number[] = [...exclude];
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = await pickLabId(first, tried);
    const up = await labCli(id, ['up']);
    if (up.code !== 0 && /belongs to the lab in/.test(up.stderr)) {
      tried.push(id);
      continue;
    }
    return { id, up };
  }
  throw new Error('could not claim a lab id');
}
