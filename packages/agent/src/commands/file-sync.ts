import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FileSyncOptions {
  root: string;
  excludes: readonly string[];
  /** overwritten and deleted files go to <backupDir>/<timestamp>-<id>/ */
  backupDir: string;
  timeoutMs: number;
}

export interface FileSyncOutcome {
  backupDir: string;
  durationMs: number;
}

/** 20261130T051500123Z: sortable, no colons (rsync would read `a:b` as a remote). */
export function backupStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

/** The rsync argument list: never a shell string, the source after `--` so it cannot be an option. */
export function rsyncArgs(source: string, opts: FileSyncOptions, backupTo: string): string[] {
  const args = ['-a', '--delete', '--delay-updates'];
  for (const e of opts.excludes) args.push(`--exclude=${e}`);
  // a backup dir inside the tree must be neither copied over nor deleted
  const rel = relative(opts.root, opts.backupDir);
  if (rel && !rel.startsWith('..')) args.push(`--exclude=/${rel}/`);
  args.push('--backup', `--backup-dir=${backupTo}`, '--', source.endsWith('/') ? source : `${source}/`, `${opts.root}/`);
  return args;
}

/**
 * Pulls the tree from `source` with rsync -a --delete --delay-updates, the
 * excludes, and --backup --backup-dir so no overwritten or deleted file is
 * lost. Bounded by `timeoutMs` (rsync is killed after it).
 */
export function syncFilesFrom(source: string, id: string, opts: FileSyncOptions): Promise<FileSyncOutcome> {
  const backupTo = join(opts.backupDir, `${backupStamp()}-${id.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  mkdirSync(opts.backupDir, { recursive: true, mode: 0o700 });
  const start = Date.now();
  return new Promise((resolve, reject) => {
    execFile('rsync', rsyncArgs(source, opts, backupTo), { timeout: opts.timeoutMs, killSignal: 'SIGTERM', maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (e.killed) return reject(new Error(`rsync from ${source} killed after ${opts.timeoutMs} ms`));
        return reject(new Error(`rsync from ${source} failed (exit ${String(e.code)}): ${String(stderr).trim().split('\n').slice(-3).join(' | ')}`));
      }
      resolve({ backupDir: backupTo, durationMs: Date.now() - start });
    });
  });
}
