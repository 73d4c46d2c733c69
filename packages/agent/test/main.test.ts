import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Manifest } from '../src/files/manifest.js';
import { generateTree, sha256sumTree } from './support/file-tree.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wha-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe('whmcs-ha-agent manifest', () => {
  it('prints one sha256sum-style line per file and the root digest, templates_c left out', async () => {
    const root = join(dir, 'tree');
    generateTree(root, 30, 100);
    mkdirSync(join(root, 'x'));
    writeFileSync(join(root, 'x', 'name with spaces.php'), 'y');
    const cfg = join(dir, 'agent.yaml');
    writeFileSync(cfg, `node: web001\ninsecure: true\ncoordinators: [{ id: c1, address: "127.0.0.1:1" }]\nphpFpm: { socket: /x }\nfiles: { root: ${root} }\n`);
    const r = await run(['manifest', '--config', cfg]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const root1 = lines.pop()!;
    const want = await sha256sumTree(root, 'templates_c');
    expect(lines.length).toBe(want.size);
    for (const l of lines) {
      const m = /^([0-9a-f]{64}) {2}f (\d{4}) (\d+) (.+)$/.exec(l)!;
      expect(m, l).not.toBeNull();
      expect(m[1]).toBe(want.get(m[4]!));
    }
    expect(root1).toBe(`# root ${(await new Manifest({ root, excludes: [], debounceMs: 10 }).scan()).rootDigest} files ${want.size} bytes ${(await new Manifest({ root, excludes: [], debounceMs: 10 }).scan()).totalBytes}`);
  });

  it('--version, and a command after -- outside cron is a usage error', async () => {
    expect((await run(['--version'])).stdout).toBe('whmcs-ha-agent 0.1.0\n');
    const r = await run(['manifest', '--', 'ls']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--: only the cron subcommand takes a command/);
  });
});
