import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** [path, size, mode, sha256] for a regular file; [path, null] when it vanished or is not a file; [path, 'ELOOP'] for a symlink. */
export type HashOutcome = [string, number, number, string] | [string, null] | [string, 'ELOOP'] | [string, 'ERR', string];

/*
 * Plain CommonJS run with `eval: true`, so the same code works from dist and
 * from TypeScript sources under a loader. Synchronous reads are right here:
 * a worker has nothing else to do, and it saves four thread-pool round trips
 * per file (open, fstat, read, close), which dominate on trees of small files.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(256 * 1024);
const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW;
parentPort.on('message', ({ root, files }) => {
  const out = [];
  for (const rel of files) {
    let fd;
    try {
      fd = fs.openSync(root + '/' + rel, FLAGS);
    } catch (e) {
      out.push(e.code === 'ELOOP' ? [rel, 'ELOOP'] : e.code === 'ENOENT' ? [rel, null] : [rel, 'ERR', e.message]);
      continue;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) { out.push([rel, null]); continue; }
      const h = createHash('sha256');
      let size = 0;
      let n;
      while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) { h.update(buf.subarray(0, n)); size += n; }
      out.push([rel, size, st.mode & 0o7777, h.digest('hex')]);
    } catch (e) {
      out.push([rel, 'ERR', e.message]);
    } finally {
      fs.closeSync(fd);
    }
  }
  parentPort.postMessage(out);
});
`;

const BATCH = 128;

/**
 * Hashes many files on worker threads (one per core, at most 4), then ends
 * them: the garbage of a full scan dies with the workers' heaps instead of
 * inflating the agent's own.
 */
export async function hashFilesInWorkers(root: string, files: readonly string[], threads = Math.min(4, availableParallelism())): Promise<HashOutcome[]> {
  const out: HashOutcome[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(threads, Math.ceil(files.length / BATCH))) }, () =>
    new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 } }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= files.length) return resolve();
              const batch = files.slice(next, next + BATCH);
              next += BATCH;
              w.postMessage({ root, files: batch });
            };
            w.on('message', (res: HashOutcome[]) => {
              for (const r of res) out.push(r);
              send();
            });
            w.once('error', reject);
            w.once('exit', (code) => {
              if (next < files.length) reject(new Error(`hash worker exited (${code})`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
