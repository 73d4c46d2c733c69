import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabLayout, WebHostLayout } from '../../deploy/lab/layout.js';
import { sql } from '../../deploy/lab/mariadb.js';
import { phpFpmPaths } from '../../deploy/lab/php-fpm.js';
import { readState } from '../../deploy/lab/state-file.js';
import { downOwnLab, hactl, restartLabProcess, settled, untilStatus, upOwnLab } from './own-lab.js';

// `whmcs-hactl check` against a lab of this file's own (it breaks things): green on the intact lab,
// then the lab broken one way at a time, the matching check failing, and the lab restored before the
// next case. Automation is paused meanwhile, so the coordinators heal nothing behind the test's back.

interface CheckJson {
  ok: boolean;
  counts: { pass: number; warn: number; fail: number };
  checks: Array<{ id: string; title: string; status: string; detail: string; fix: string }>;
}

let layout: LabLayout;

async function check(): Promise<{ code: number; json: CheckJson }> {
  const r = await hactl(layout, ['check', '--json']);
  expect([0, 1], r.stderr).toContain(r.code);
  return { code: r.code, json: JSON.parse(r.stdout) as CheckJson };
}

const failing = (j: CheckJson) => j.checks.filter((c) => c.status === 'fail').map((c) => c.id);

/** Polls the doctor until `done` holds (reports arrive every 500 ms; restarts take a few seconds). */
async function untilCheck(what: string, done: (j: CheckJson) => boolean, timeoutMs = 30_000): Promise<{ code: number; json: CheckJson }> {
  const t0 = Date.now();
  let last: { code: number; json: CheckJson } | null = null;
  while (Date.now() - t0 < timeoutMs) {
    last = await check();
    if (done(last.json)) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} not seen in ${timeoutMs} ms; last: ${JSON.stringify(last?.json.checks.filter((c) => c.status !== 'pass'))}`);
}

const green = () => untilCheck('every check passing', (j) => j.ok && j.counts.fail === 0);

/** Breaks the lab, expects exactly `id` to fail (with `detail`), restores, and expects green again. */
async function breakAndSee(id: string, detail: RegExp, breakIt: () => Promise<void>, restore: () => Promise<void>): Promise<void> {
  await breakIt();
  try {
    // edits on two nodes reach the coordinator one report apart: wait for the settled verdict
    const { code, json } = await untilCheck(`${id} failing alone`, (j) => failing(j).join() === id);
    expect(code).toBe(1);
    expect(json.ok).toBe(false);
    expect(failing(json)).toEqual([id]);
    const c = json.checks.find((x) => x.id === id)!;
    expect(c.detail).toMatch(detail);
    expect(c.fix.length).toBeGreaterThan(10);
  } finally {
    await restore();
  }
  await green();
}

const web = (i: 0 | 1): WebHostLayout => layout.web[i];
const configFile = (h: WebHostLayout) => join(h.appDir, 'configuration.php');

/** Rewrites configuration.php on the given nodes; returns a restore of the originals. */
function editConfig(hosts: WebHostLayout[], edit: (php: string) => string): () => Promise<void> {
  const originals = hosts.map((h) => [h, readFileSync(configFile(h), 'utf8')] as const);
  for (const [h, php] of originals) writeFileSync(configFile(h), edit(php));
  return async () => {
    for (const [h, php] of originals) writeFileSync(configFile(h), php);
  };
}

describe('whmcs-hactl check in the lab', () => {
  beforeAll(async () => {
    layout = await upOwnLab('doctor');
    await untilStatus(layout, 'the lab settled', settled);
    const p = await hactl(layout, ['pause', '--yes']);
    expect(p.code, p.stderr).toBe(0);
  });
  afterAll(async () => {
    await downOwnLab(layout);
  });

  it('is green on the intact lab (text and --json), with the Trusted Proxies reminder', async () => {
    const { code, json } = await green();
    expect(code).toBe(0);
    expect(json.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['install-path', 'config-identical', 'session-handling', 'server-id', 'binlog', 'auto-increment', 'replication', 'semi-sync', 'templates-excluded', 'php-fpm-paths', 'voters', 'trusted-proxies']));
    expect(json.checks.find((c) => c.id === 'trusted-proxies')!.status).toBe('warn');
    expect(json.checks.find((c) => c.id === 'install-path')!.detail).toContain(layout.installPath);
    const text = await hactl(layout, ['check']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^PASS  unique server_id: web001=1, web002=2$/m);
    expect(text.stdout).toMatch(/^WARN  WHMCS Trusted Proxies \(reminder\)/m);
    expect(text.stdout).toMatch(/^ +fix: in WHMCS: .*Trusted Proxies, add 198\.18\.\d+\.20$/m);
    expect(text.stdout).toMatch(/\d+ passed, 1 warning, 0 failed/);
  });

  it('fails unique server_id when web002 takes web001\'s server_id', async () => {
    await breakAndSee(
      'server-id',
      /web001 and web002 share server_id 1/,
      async () => void (await sql(web(1), 'SET GLOBAL server_id = 1')),
      async () => void (await sql(web(1), `SET GLOBAL server_id = ${web(1).serverId}`)),
    );
  });

  it('fails the install path when one agent serves WHMCS from another directory', async () => {
    const file = join(web(1).dir, 'agent.yaml');
    const original = readFileSync(file, 'utf8');
    await breakAndSee(
      'install-path',
      new RegExp(`web002: ${web(1).appDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      async () => {
        // the node's own copy of the app, reached by its real directory rather than the shared path
        writeFileSync(file, original.replace(`root: ${JSON.stringify(layout.installPath)}`, `root: ${JSON.stringify(web(1).appDir)}`));
        expect(readFileSync(file, 'utf8')).not.toBe(original);
        await restartLabProcess(layout, 'web002', 'whmcs-ha-agent');
      },
      async () => {
        writeFileSync(file, original);
        await restartLabProcess(layout, 'web002', 'whmcs-ha-agent');
      },
    );
  });

  it('fails identical configuration.php when one node\'s differs', async () => {
    let restore = async () => {};
    await breakAndSee(
      'config-identical',
      /differs: web001: [0-9a-f]{12}; web002: [0-9a-f]{12}/,
      async () => void (restore = editConfig([web(1)], (php) => php.replace("$db_host = '127.0.0.1';", "$db_host = 'localhost';"))),
      () => restore(),
    );
  });

  it("fails $session_handling when sessions are not in the database (on both nodes alike)", async () => {
    let restore = async () => {};
    await breakAndSee(
      'session-handling',
      /web001: not set .*; web002: not set/,
      async () => void (restore = editConfig([web(0), web(1)], (php) => php.replace("$session_handling = 'database';\n", ''))),
      () => restore(),
    );
  });

  it('fails templates_c excluded when the compile directory is moved to a synced one', async () => {
    let restore = async () => {};
    await breakAndSee(
      'templates-excluded',
      /web001: .*\/www\/whmcs\/smarty_cache is synced/,
      async () => void (restore = editConfig([web(0), web(1)], (php) => php.replace("$templates_compiledir = 'templates_c';", "$templates_compiledir = 'smarty_cache';"))),
      () => restore(),
    );
  });

  it('fails replication both ways when web001 stops replicating from web002', async () => {
    await breakAndSee(
      'replication',
      /web001: IO thread stopped, SQL thread stopped/,
      async () => void (await sql(web(0), 'STOP SLAVE')),
      async () => void (await sql(web(0), 'START SLAVE')),
    );
  });

  it('fails the PHP-FPM paths when pm.status_path is unset on one node', async () => {
    const file = phpFpmPaths(web(1)).config;
    const original = readFileSync(file, 'utf8');
    const fpm = () => readState(layout)!.hosts.find((h) => h.name === 'web002')!.processes.find((p) => p.name === 'php-fpm')!.pid;
    await breakAndSee(
      'php-fpm-paths',
      /web002: status \/fpm-status fails \(status \/fpm-status answered \d+\)/,
      async () => {
        writeFileSync(file, original.replace(/^pm\.status_path = .*$/m, ''));
        // SIGUSR2: PHP-FPM reloads its configuration in place (same master pid)
        process.kill(fpm(), 'SIGUSR2');
      },
      async () => {
        writeFileSync(file, original);
        process.kill(fpm(), 'SIGUSR2');
      },
    );
  });
});
