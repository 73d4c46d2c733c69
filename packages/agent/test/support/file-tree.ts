import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Deterministic pseudo-random bytes (xorshift), so a tree is the same on every run. */
function bytes(seed: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** Writes `files` files spread over nested directories, `avgBytes` on average, plus a templates_c/ cache. */
export function generateTree(root: string, files: number, avgBytes: number): void {
  for (let i = 0; i < files; i++) {
    const dir = join(root, `d${i % 20}`, `s${Math.floor(i / 20) % 25}`);
    mkdirSync(dir, { recursive: true });
    const size = Math.max(0, Math.floor(avgBytes * (0.25 + ((i * 7919) % 150) / 100)));
    writeFileSync(join(dir, `f${i}.php`), bytes(i + 1, size));
  }
  mkdirSync(join(root, 'templates_c'), { recursive: true });
  writeFileSync(join(root, 'templates_c', 'cache.php'), 'compiled');
}

/** `find -type f -print0 | xargs -0 sha256sum` equivalent, without a shell: path -> digest. */
export async function sha256sumTree(root: string, excludeDir?: string): Promise<Map<string, string>> {
  const args = [root, '-type', 'f'];
  if (excludeDir) args.splice(1, 0, '-path', join(root, excludeDir), '-prune', '-o');
  args.push('-print0');
  const { stdout } = await run('find', args, { maxBuffer: 256 * 1024 * 1024 });
  const paths = stdout.split('\0').filter(Boolean);
  const out = new Map<string, string>();
  for (let i = 0; i < paths.length; i += 2000) {
    const { stdout: sums } = await run('sha256sum', ['--', ...paths.slice(i, i + 2000)], { maxBuffer: 256 * 1024 * 1024 });
    for (const line of sums.split('\n').filter(Boolean)) {
      out.set(line.slice(66).slice(root.length + 1), line.slice(0, 64));
    }
  }
  return out;
}
