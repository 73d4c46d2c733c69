import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../deploy/lab/layout.js';

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
