import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { constants, type Stats } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilesState } from '@whmcs-ha/shared';
import { collectGarbage } from '../memory.js';
import { DirectoryWatcher } from './directory-watcher.js';
import { ExcludeMatcher } from './exclude-matcher.js';
import { hashFilesInWorkers } from './hash-pool.js';

/** One file of the tree: a regular file (`f`) or a symlink (`l`, digest of its target text). */
export interface ManifestEntry {
  path: string;
  type: 'f' | 'l';
  size: number;
  /** permission bits, as rsync -a preserves them */
  mode: number;
  sha256: string;
}

export interface ManifestOptions {
  root: string;
  /** rsync-style patterns; templates_c/ is added when missing */
  excludes: readonly string[];
  debounceMs: number;
  /** files hashed at once during a full scan */
  concurrency?: number;
  /** full rescan period when inotify is not available (watch limit) */
  fallbackRescanMs?: number;
}

const CHUNK = 256 * 1024;
/** below this many files a walk hashes in-process; above, on worker threads */
const WORKER_THRESHOLD = 256;

/** The error text when inotify runs out, naming the sysctl to raise. */
export function watchLimitMessage(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') {
    return 'inotify watch limit reached (ENOSPC): raise fs.inotify.max_user_watches, e.g. `sysctl -w fs.inotify.max_user_watches=524288` and persist it in /etc/sysctl.d/; falling back to periodic full rescans';
  }
  if (code === 'EMFILE') {
    return 'inotify instance limit reached (EMFILE): raise fs.inotify.max_user_instances (sysctl) or the open-files limit; falling back to periodic full rescans';
  }
  return undefined;
}

/**
 * The manifest of the WHMCS tree: path, size, mode and sha256 of every file,
 * and a root digest over the sorted list. A full scan streams every file
 * through sha256 (on worker threads, bounded memory); after that inotify
 * events (one watch per directory, see directory-watcher.ts) mark paths
 * dirty and a debounced pass re-reads just those paths.
 * Paths are re-examined from the disk, not from the event kind, which makes
 * editor atomic saves (write temp, rename over) and directory renames come
 * out right whatever order the events arrive in.
 *
 * Emits 'change' (FilesState) whenever the root digest changes.
 */
export class Manifest extends EventEmitter<{ change: [FilesState] }> {
  readonly root: string;
  readonly matcher: ExcludeMatcher;
  private readonly entries = new Map<string, ManifestEntry>();
  private digest = '';
  private totalBytes = 0;
  private scannedAtMs = 0;
  private ready = false;
  private error = '';
  private watcher: DirectoryWatcher | undefined;
  private dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private firstDirtyAt = 0;
  private flushing: Promise<void> | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** a path that could not be read in the last pass (cleared by a pass or scan that reads it) */
  private readError = '';

  constructor(private readonly opts: ManifestOptions) {
    super();
    this.root = opts.root.replace(/\/+$/, '') || '/';
    const ex = opts.excludes.includes('templates_c/') ? opts.excludes : ['templates_c/', ...opts.excludes];
    this.matcher = new ExcludeMatcher(ex);
  }

  state(): FilesState {
    return {
      rootDigest: this.digest,
      fileCount: this.entries.size,
      totalBytes: this.totalBytes,
      scannedAtMs: this.scannedAtMs,
      error: [this.error, this.readError].filter(Boolean).join('; '),
      ready: this.ready,
    };
  }

  /** Sorted per-file listing, for diffs between nodes. */
  listing(): ManifestEntry[] {
    return [...this.entries.values()].sort((a, b) => cmp(a.path, b.path));
  }

  /** One full scan (serialised with incremental updates). */
  scan(): Promise<FilesState> {
    return this.exclusive(async () => {
      const fresh = new Map<string, ManifestEntry>();
      await this.walk('', fresh);
      this.entries.clear();
      for (const [k, v] of fresh) this.entries.set(k, v);
      this.ready = true;
      this.readError = '';
      this.recompute();
      // a full scan leaves the agent's only big heap of garbage: give it back now
      collectGarbage();
      return this.state();
    });
  }

  /** Runs scans and update passes one at a time: a pass must never interleave with a full scan replacing the entries. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Scans and watches: every directory the walk visits gets a watch; events seen during the scan are applied after it. */
  async start(): Promise<void> {
    this.watcher = new DirectoryWatcher(this.root, (rel) => this.markDirtyRel(rel), (e) => this.onWatchError(e));
    await this.scan();
    this.emit('change', this.state());
    if (this.dirty.size) this.scheduleFlush();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.flushTimer);
    clearInterval(this.rescanTimer);
    this.watcher?.close();
    await this.flushing;
  }

  /** Waits until pending changes are applied (tests, and sync-files-from before it reports). */
  async settle(): Promise<FilesState> {
    while (this.dirty.size || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
    return this.state();
  }

  /** Re-reads the whole tree now (after rsync, or in fallback mode). */
  async rescan(): Promise<FilesState> {
    const before = this.digest;
    await this.scan();
    if (this.digest !== before) this.emit('change', this.state());
    return this.state();
  }

  private onWatchError(e: unknown): void {
    const msg = watchLimitMessage(e);
    if (!msg) {
      this.error = `watch error: ${(e as Error).message ?? String(e)}`;
      return;
    }
    this.error = msg;
    // without inotify the digest would go stale: rescan on a timer instead
    if (!this.rescanTimer) {
      this.rescanTimer = setInterval(() => void this.rescan().catch(() => undefined), this.opts.fallbackRescanMs ?? 30_000);
      this.rescanTimer.unref();
    }
    this.emit('change', this.state());
  }

  private markDirtyRel(rel: string): void {
    if (this.closed) return;
    if (!this.dirty.size) this.firstDirtyAt = Date.now();
    this.dirty.add(rel);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    clearTimeout(this.flushTimer);
    // trailing debounce, but never postponed past 5 debounce periods under a constant stream of writes
    const wait = Math.max(0, Math.min(this.opts.debounceMs, this.firstDirtyAt + 5 * this.opts.debounceMs - Date.now()));
    this.flushTimer = setTimeout(() => void this.flush(), wait);
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      return;
    }
    if (!this.dirty.size) return;
    this.flushing = this.exclusive(async () => {
      // taken inside the lock: paths marked during a full scan are re-read after it
      const paths = [...this.dirty];
      this.dirty = new Set();
      const before = this.digest;
      const failed: string[] = [];
      for (const rel of paths) {
        try {
          await this.refresh(rel);
        } catch (e) {
          failed.push(`cannot read ${rel}: ${(e as Error).message}`);
        }
      }
      this.readError = failed.join('; ');
      this.recompute();
      if (this.digest !== before) this.emit('change', this.state());
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
    if (this.dirty.size && !this.closed) this.scheduleFlush();
  }

  /** Brings the entries for `rel` (a file, or a directory and everything below it) in line with the disk. */
  private async refresh(rel: string): Promise<void> {
    const abs = rel ? join(this.root, rel) : this.root;
    let st: Stats | undefined;
    try {
      st = await lstat(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    }
    if (!st || this.matcher.excludesPath(rel, st.isDirectory())) {
      this.removeUnder(rel);
      this.watcher?.unwatchUnder(rel);
      return;
    }
    if (st.isDirectory()) {
      const fresh = new Map<string, ManifestEntry>();
      await this.walk(rel, fresh);
      this.removeUnder(rel);
      for (const [k, v] of fresh) this.entries.set(k, v);
      return;
    }
    this.removeUnder(rel);
    this.watcher?.unwatchUnder(rel); // was a directory, now a file
    const e = await this.entryFor(rel, st);
    if (e) this.entries.set(rel, e);
  }

  private removeUnder(rel: string): void {
    if (rel === '') {
      this.entries.clear();
      return;
    }
    this.entries.delete(rel);
    const prefix = `${rel}/`;
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Walks `rel` (a directory), hashing files with bounded concurrency into `out`. */
  private async walk(rel: string, out: Map<string, ManifestEntry>): Promise<void> {
    const files: string[] = [];
    const links: string[] = [];
    const dirs = [rel];
    while (dirs.length) {
      const d = dirs.pop()!;
      this.watcher?.watchDir(d);
      let handle;
      try {
        handle = await opendir(d ? join(this.root, d) : this.root, { bufferSize: 256 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
        throw e;
      }
      for await (const de of handle) {
        const r = d ? `${d}/${de.name}` : de.name;
        if (de.isDirectory()) {
          if (!this.matcher.excludes(r, true)) dirs.push(r);
        } else if (de.isFile()) {
          if (!this.matcher.excludes(r, false)) files.push(r);
        } else if (de.isSymbolicLink()) {
          if (!this.matcher.excludes(r, false)) links.push(r);
        }
      }
    }
    for (const l of links) {
      const e = await this.entryFor(l);
      if (e) out.set(l, e);
    }
    if (files.length >= WORKER_THRESHOLD) {
      for (const r of await hashFilesInWorkers(this.root, files)) {
        if (r[1] === null) continue;
        if (r[1] === 'ELOOP') {
          const e = await this.entryFor(r[0]);
          if (e) out.set(r[0], e);
        } else if (r[1] === 'ERR') throw new Error(`cannot read ${r[0]}: ${r[2]}`);
        else out.set(r[0], { path: r[0], type: 'f', size: r[1], mode: r[2], sha256: r[3] });
      }
      return;
    }
    let next = 0;
    const worker = async () => {
      const buf = Buffer.allocUnsafe(CHUNK);
      while (next < files.length) {
        const f = files[next++]!;
        const e = await this.hashFile(f, buf);
        if (e) out.set(f, e);
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency ?? 8 }, worker));
  }

  private async entryFor(rel: string, st?: Stats): Promise<ManifestEntry | undefined> {
    const abs = join(this.root, rel);
    try {
      const s = st ?? (await lstat(abs));
      if (s.isSymbolicLink()) {
        const target = await readlink(abs);
        return { path: rel, type: 'l', size: Buffer.byteLength(target), mode: 0o777, sha256: createHash('sha256').update(target).digest('hex') };
      }
      if (!s.isFile()) return undefined;
      return await this.hashFile(rel, Buffer.allocUnsafe(CHUNK));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Streams one file through sha256 in fixed chunks; a file that vanished meanwhile is skipped. */
  private async hashFile(rel: string, buf: Buffer): Promise<ManifestEntry | undefined> {
    let fh;
    try {
      fh = await open(join(this.root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') return code === 'ELOOP' ? this.entryFor(rel) : undefined;
      throw e;
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) return undefined;
      const h = createHash('sha256');
      let size = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        h.update(buf.subarray(0, bytesRead));
        size += bytesRead;
      }
      return { path: rel, type: 'f', size, mode: st.mode & 0o7777, sha256: h.digest('hex') };
    } finally {
      await fh.close();
    }
  }

  private recompute(): void {
    const h = createHash('sha256');
    let total = 0;
    for (const e of this.listing()) {
      h.update(`${e.type} ${e.mode.toString(8)} ${e.size} ${e.sha256} ${e.path}\n`);
      total += e.size;
    }
    this.digest = h.digest('hex');
    this.totalBytes = total;
    this.scannedAtMs = Date.now();
  }
}

/** Code-unit order, so every node sorts paths the same whatever its locale. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `sha256sum`-style lines plus mode and size: what `whmcs-ha-agent manifest` prints for diffs. */
export function formatListing(entries: readonly ManifestEntry[]): string {
  return entries.map((e) => `${e.sha256}  ${e.type} ${e.mode.toString(8).padStart(4, '0')} ${e.size} ${e.path}\n`).join('');
}
