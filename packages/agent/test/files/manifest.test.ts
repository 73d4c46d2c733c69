import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExcludeMatcher } from '../../src/files/exclude-matcher.js';
import { Manifest, watchLimitMessage } from '../../src/files/manifest.js';
import { generateTree, sha256sumTree } from '../support/file-tree.js';
import { waitFor } from '../support/process-handle.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wha-manifest-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ExcludeMatcher (rsync pattern meaning)', () => {
  const m = new ExcludeMatcher(['templates_c/', '*.log', '/attachments/', 'cache/*.tmp', 'a/**/z']);
  it.each([
    ['templates_c', true, true],
    ['templates_c', false, false],
    ['sub/templates_c', true, true],
    ['x.log', false, true],
    ['deep/dir/x.log', false, true],
    ['attachments', true, true],
    ['sub/attachments', true, false],
    ['cache/a.tmp', false, true],
    ['x/cache/a.tmp', false, true],
    ['cache/sub/a.tmp', false, false],
    ['a/b/c/z', false, true],
    ['index.php', false, false],
  ])('%s (dir=%s) excluded=%s', (p, isDir, want) => {
    expect(m.excludes(p, isDir)).toBe(want);
  });
  it('excludesPath looks at every parent', () => {
    expect(m.excludesPath('templates_c/x/y.php', false)).toBe(true);
    expect(m.excludesPath('attachments/2024/a.pdf', false)).toBe(true);
    expect(m.excludesPath('modules/a.php', false)).toBe(false);
  });
});

describe('Manifest full scan', () => {
  it('matches sha256sum on a generated tree, skips templates_c and configured excludes', async () => {
    const root = join(dir, 'tree');
    generateTree(root, 600, 3000);
    mkdirSync(join(root, 'logs'));
    writeFileSync(join(root, 'logs', 'x.log'), 'log');
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(1_000_000, 7)); // several read chunks
    chmodSync(join(root, 'big.bin'), 0o600);
    symlinkSync('d0/s0/f0.php', join(root, 'link.php'));
    const m = new Manifest({ root, excludes: ['*.log'], debounceMs: 50 });
    const s = await m.scan();
    const want = await sha256sumTree(root, 'templates_c');
    want.delete('logs/x.log');
    const listing = m.listing();
    const files = listing.filter((e) => e.type === 'f');
    expect(files.length).toBe(want.size);
    for (const e of files) expect(e.sha256, e.path).toBe(want.get(e.path));
    expect(listing.find((e) => e.path === 'big.bin')).toMatchObject({ size: 1_000_000, mode: 0o600 });
    expect(listing.find((e) => e.path === 'link.php')).toMatchObject({ type: 'l' });
    expect(listing.some((e) => e.path.startsWith('templates_c/'))).toBe(false);
    expect(s.fileCount).toBe(want.size + 1);
    expect(s.ready).toBe(true);
    expect(s.rootDigest).toMatch(/^[0-9a-f]{64}$/);
    // same tree -> same digest; a changed mode -> another digest
    const again = await new Manifest({ root, excludes: ['*.log'], debounceMs: 50 }).scan();
    expect(again.rootDigest).toBe(s.rootDigest);
    chmodSync(join(root, 'big.bin'), 0o644);
    expect((await m.scan()).rootDigest).not.toBe(s.rootDigest);
  });
});

describe("Manifest incremental updates (inotify, one watch per directory)", () => {
  let m: Manifest | undefined;
  afterEach(async () => {
    await m?.close();
    m = undefined;
  });

  const fresh = async (root: string) => (await new Manifest({ root, excludes: [], debounceMs: 20 }).scan()).rootDigest;

  it('follows writes, editor atomic saves, deletes and directory renames; ignores templates_c', async () => {
    const root = join(dir, 'inc');
    generateTree(root, 100, 500);
    m = new Manifest({ root, excludes: [], debounceMs: 50 });
    const changes: string[] = [];
    m.on('change', (s) => changes.push(s.rootDigest));
    await m.start();
    const d0 = m.state().rootDigest;
    const settleTo = async (what: string) => {
      const want = await fresh(root);
      await waitFor(what, async () => (m!.state().rootDigest === want ? true : undefined), 5000, 20);
      return want;
    };

    // a plain write
    const t0 = Date.now();
    writeFileSync(join(root, 'd1', 's0', 'f1.php'), 'changed');
    const d1 = await settleTo('write');
    expect(d1).not.toBe(d0);
    const latency = Date.now() - t0;
    expect(latency).toBeLessThan(1000);

    // an editor's atomic save: write a temp file, rename it over the original
    writeFileSync(join(root, 'd2', 's0', '.f2.php.swp'), 'saved atomically');
    renameSync(join(root, 'd2', 's0', '.f2.php.swp'), join(root, 'd2', 's0', 'f2.php'));
    await settleTo('atomic save');
    expect(m.listing().find((e) => e.path === 'd2/s0/f2.php')!.size).toBe('saved atomically'.length);
    expect(m.listing().some((e) => e.path.endsWith('.swp'))).toBe(false);

    // delete
    unlinkSync(join(root, 'd3', 's0', 'f3.php'));
    await settleTo('delete');
    expect(m.listing().some((e) => e.path === 'd3/s0/f3.php')).toBe(false);

    // rename a directory
    renameSync(join(root, 'd4'), join(root, 'd4-renamed'));
    await settleTo('dir rename');
    expect(m.listing().some((e) => e.path.startsWith('d4/'))).toBe(false);
    expect(m.listing().filter((e) => e.path.startsWith('d4-renamed/')).length).toBe(5);

    // a new directory with files
    mkdirSync(join(root, 'new', 'deep'), { recursive: true });
    writeFileSync(join(root, 'new', 'deep', 'n.php'), 'n');
    await settleTo('new dir');
    expect(m.listing().some((e) => e.path === 'new/deep/n.php')).toBe(true);

    // templates_c changes do not change the digest
    const before = m.state().rootDigest;
    const n = changes.length;
    writeFileSync(join(root, 'templates_c', 'other.php'), 'x');
    writeFileSync(join(root, 'templates_c', 'cache.php'), 'recompiled');
    await new Promise((r) => setTimeout(r, 300));
    expect(m.state().rootDigest).toBe(before);
    expect(changes.length).toBe(n);
    expect(m.state().error).toBe('');
  });
});

describe('watch limit', () => {
  it('names the sysctl to raise', () => {
    const e = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    expect(watchLimitMessage(e)).toMatch(/fs\.inotify\.max_user_watches/);
    expect(watchLimitMessage(Object.assign(new Error('x'), { code: 'EACCES' }))).toBeUndefined();
  });
});

describe('watch limit, for real', () => {
  it('a process whose inotify watches run out reports the sysctl and still has a digest', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const root = join(dir, 'limit');
    generateTree(root, 60, 100);
    // a user namespace gets its own inotify limit, so the test lowers it without touching the host's sysctl
    const child = new URL('../support/watch-limit-child.ts', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)('unshare', ['-Ur', process.execPath, '--import', 'tsx', child, root], { timeout: 20_000 });
    const state = JSON.parse(stdout.trim().split('\n').pop()!) as { error: string; rootDigest: string; fileCount: number };
    expect(state.error).toMatch(/fs\.inotify\.max_user_watches/);
    expect(state.fileCount).toBe(60);
    expect(state.rootDigest).toBe((await new Manifest({ root, excludes: [], debounceMs: 20 }).scan()).rootDigest);
  });
});
