import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabLayout } from './layout.js';
import { isAlive } from './process.js';

/**
 * Namespaces and bridges are machine-wide, lab directories are per checkout: two clones running lab 9 at
 * once would tear down each other's lab. A claim file per lab id in /run records which directory owns the
 * id; `up` and `down` leave an id owned by another directory alone.
 */
export const CLAIM_DIR = '/run/whmcs-ha-lab';

const claimFile = (id: number) => join(CLAIM_DIR, `${id}.json`);

export type ClaimStatus = { kind: 'free' } | { kind: 'ours' } | { kind: 'other'; dir: string };

export function claimStatus(layout: LabLayout): ClaimStatus {
  let dir: string;
  let pid: number | undefined;
  try {
    ({ dir, pid } = JSON.parse(readFileSync(claimFile(layout.id), 'utf8')) as { dir: string; pid?: number });
  } catch {
    return { kind: 'free' };
  }
  if (dir === layout.dir) return { kind: 'ours' };
  // held while the other lab has a state file, or while the `up` that claimed it still runs (before its state file)
  if (existsSync(join(dir, 'state.json')) || (pid !== undefined && isAlive(pid))) return { kind: 'other', dir };
  // the other lab is gone (its `down` removed the state file, or its directory was deleted)
  return { kind: 'free' };
}

/** Takes the id for this lab directory; fails if another directory's lab holds it. */
export function claim(layout: LabLayout): void {
  const s = claimStatus(layout);
  if (s.kind === 'other') throw new ClaimedElsewhere(layout.id, s.dir);
  mkdirSync(CLAIM_DIR, { recursive: true, mode: 0o755 });
  if (s.kind === 'free') rmSync(claimFile(layout.id), { force: true });
  try {
    writeFileSync(claimFile(layout.id), `${JSON.stringify({ dir: layout.dir, pid: process.pid })}\n`, { flag: s.kind === 'ours' ? 'w' : 'wx' });
  } catch (e) {
    // another `up` of the same id won the race a moment ago
    const now = claimStatus(layout);
    if (now.kind === 'other') throw new ClaimedElsewhere(layout.id, now.dir);
    if (now.kind !== 'ours') throw e;
  }
}

export function release(layout: LabLayout): void {
  if (claimStatus(layout).kind === 'ours') rmSync(claimFile(layout.id), { force: true });
}

export class ClaimedElsewhere extends Error {
  constructor(
    readonly id: number,
    readonly dir: string,
  ) {
    super(`lab id ${id} belongs to the lab in ${dir}: run \`pnpm lab down\` there, or use another WHA_LAB_ID here`);
    this.name = 'ClaimedElsewhere';
  }
}
