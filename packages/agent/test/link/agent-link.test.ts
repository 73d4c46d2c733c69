import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '@whmcs-ha/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent.js';
import { Backoff } from '../../src/link/backoff.js';
import { agentConfig } from '../support/agent-config.js';
import { generateTree } from '../support/file-tree.js';
import { freePort } from '../support/free-port.js';
import { startLinkServer, type LinkServer } from '../support/link-server.js';
import { startMariaDb, type MariaDbServer } from '../support/mariadb-server.js';
import { startPhpFpm, type PhpFpmServer } from '../support/php-fpm-server.js';
import { startTogether } from '../support/start-together.js';
import { waitFor } from '../support/process-handle.js';

let dir: string;
let db: MariaDbServer;
let fpm: PhpFpmServer;
let root: string;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-link-'));
  root = join(dir, 'whmcs');
  generateTree(root, 50, 200);
  [db, fpm] = await startTogether<[MariaDbServer, PhpFpmServer]>([startMariaDb(join(dir, 'db'), 1), startPhpFpm(join(dir, 'fpm'))]);
}, 60_000);

afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

afterAll(async () => {
  await Promise.all([db?.stop(), fpm?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Collects reports with their arrival time. */
function record(s: LinkServer): { at: number; r: Report }[] {
  const got: { at: number; r: Report }[] = [];
  s.links.on('report', (_n, r) => got.push({ at: Date.now(), r }));
  return got;
}

async function startAgent(coordinators: string[], extra: Partial<Parameters<typeof agentConfig>[0]> = {}): Promise<Agent> {
  const a = new Agent(agentConfig({ dataDir: mkdtempSync(join(dir, 'data-')), root, coordinators, db, fpmSocket: fpm.socket, ...extra }));
  await a.start();
  cleanup.push(() => a.stop());
  return a;
}

const gaps = (xs: { at: number }[]) => xs.slice(1).map((x, i) => x.at - xs[i]!.at);

describe('report stream against a real AgentLinkServer', () => {
  it('reports every reportIntervalMs with live probe data', async () => {
    const s = await startLinkServer('c1');
    cleanup.push(() => s.stop());
    const got = record(s);
    await startAgent([s.address], { reportIntervalMs: 250 });
    await waitFor('a report with every probe', async () => got.find((g) => g.r.mysql?.up && g.r.phpFpm?.up && g.r.files?.ready));
    const t0 = Date.now();
    const from = got.length;
    await new Promise((r) => setTimeout(r, 2600));
    const window = got.slice(from);
    // 2.6 s at 250 ms is ~10 regular reports; health changes can add a few
    expect(window.length).toBeGreaterThanOrEqual(9);
    expect(window.length).toBeLessThanOrEqual(14);
    const g = gaps(window).sort((a, b) => a - b);
    const median = g[Math.floor(g.length / 2)]!;
    expect(median).toBeGreaterThan(200);
    expect(median).toBeLessThan(300);
    const last = window.at(-1)!.r;
    expect(last).toMatchObject({ node: 'web001', installPath: root });
    expect(last.mysql).toMatchObject({ up: true, flavour: 'mariadb', readOnly: true, serverId: 1 });
    expect(last.phpFpm).toMatchObject({ up: true, pool: 'sockpool' });
    expect(last.files).toMatchObject({ ready: true, fileCount: 50 });
    // sequence numbers increase
    const seqs = window.map((w) => w.r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(s.links.node('web001')).toMatchObject({ connected: true, agentVersion: '0.1.0' });
    expect(Date.now() - t0).toBeGreaterThan(2500);
  });

  it('sends a report at once on a health change (file digest), long before the next interval', async () => {
    const s = await startLinkServer('c1');
    cleanup.push(() => s.stop());
    const got = record(s);
    await startAgent([s.address], { reportIntervalMs: 10_000 });
    const first = await waitFor('files ready', async () => got.find((g) => g.r.files?.ready)?.r.files?.rootDigest);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    writeFileSync(join(root, 'd0', 's0', 'f0.php'), `changed ${t0}`);
    const hit = await waitFor('report with the new digest', async () => got.find((g) => g.at >= t0 && g.r.files && g.r.files.rootDigest !== first), 5000, 10);
    // debounce 50 ms + hashing; the 10 s interval never fired
    expect(hit.at - t0).toBeLessThan(1000);
  });

  it('reconnects after the coordinator restarts on the same port', async () => {
    let s = await startLinkServer('c1');
    const port = s.port;
    const a = await startAgent([s.address], { reportIntervalMs: 250 });
    await waitFor('first report', async () => s.links.node('web001')?.report);
    await s.stop();
    await waitFor('agent sees the link down', async () => !a.links[0]!.connected);
    await new Promise((r) => setTimeout(r, 500));
    s = await startLinkServer('c1', port);
    cleanup.push(() => s.stop());
    const t0 = Date.now();
    const got = record(s);
    await waitFor('reports after restart', async () => got.length >= 3, 10_000);
    expect(a.links[0]!.reconnects).toBeGreaterThanOrEqual(1);
    // backoff starts at ~200 ms: back within a few seconds
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a dead and a black-hole coordinator in the list do not delay reports to the live one', async () => {
    const live = await startLinkServer('live');
    cleanup.push(() => live.stop());
    const deadPort = await freePort(); // nothing listens: connection refused
    // accepts TCP and never speaks HTTP/2: the worst kind of slow coordinator
    const sockets: Socket[] = [];
    const hole: Server = createServer((c) => sockets.push(c));
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    cleanup.push(() => {
      for (const c of sockets) c.destroy();
      hole.close();
    });
    const holePort = (hole.address() as { port: number }).port;
    const got = record(live);
    const a = await startAgent([`127.0.0.1:${deadPort}`, `127.0.0.1:${holePort}`, live.address], { reportIntervalMs: 250 });
    await waitFor('reports on the live link', async () => got.length >= 2);
    const from = got.length;
    await new Promise((r) => setTimeout(r, 2000));
    const window = got.slice(from);
    expect(window.length).toBeGreaterThanOrEqual(7);
    expect(Math.max(...gaps(window))).toBeLessThan(400);
    expect(a.links[0]!.connected).toBe(false);
    expect(a.links[1]!.connected).toBe(false);
    expect(a.links[0]!.reportsDropped).toBeGreaterThan(0);
  });

  it('a SIGSTOPped mysqld is reported down within the probe timeout while reports keep flowing', async () => {
    const s = await startLinkServer('c1');
    cleanup.push(() => s.stop());
    const got = record(s);
    await startAgent([s.address], { reportIntervalMs: 250, mysqlTimeoutMs: 500 });
    await waitFor('mysql up', async () => got.find((g) => g.r.mysql?.up));
    const t0 = Date.now();
    process.kill(db.proc.pid, 'SIGSTOP');
    let down: { at: number; r: Report };
    try {
      down = await waitFor('mysql down in a report', async () => got.find((g) => g.at >= t0 && g.r.mysql && !g.r.mysql.up), 5000, 10);
      // probe timeout 500 ms + at most one probe interval (250 ms) before the hung probe started
      expect(down.at - t0).toBeLessThan(500 + 250 + 200);
      expect(down.r.mysql!.error).toMatch(/timed out/);
      // while the probe hangs, reports go on at the cadence
      const during = got.filter((g) => g.at >= t0);
      expect(Math.max(...gaps(during))).toBeLessThan(400);
    } finally {
      process.kill(db.proc.pid, 'SIGCONT');
    }
    const t1 = Date.now();
    const up = await waitFor('mysql up again', async () => got.find((g) => g.at >= t1 && g.r.mysql?.up), 10_000, 10);
    expect(up.r.mysql!.readOnly).toBe(true);
  });
});

describe('Prometheus /metrics', () => {
  it('serves the agent gauges and counters labelled with the node', async () => {
    const s = await startLinkServer('c1');
    cleanup.push(() => s.stop());
    const got = record(s);
    const port = await freePort();
    await startAgent([s.address], { reportIntervalMs: 250, metricsAddress: `127.0.0.1:${port}` });
    await waitFor('reports', async () => got.filter((g) => g.r.mysql?.up && g.r.files?.ready).length >= 2);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*node="web001"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('whmcs_ha_mysql_up')).toBe(1);
    expect(value('whmcs_ha_mysql_read_only')).toBe(1);
    expect(value('whmcs_ha_phpfpm_up')).toBe(1);
    expect(value('whmcs_ha_files_total')).toBe(50);
    expect(value('whmcs_ha_reports_sent_total')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^whmcs_ha_reports_sent_total\{node="web001",coordinator="c1"\} \d+$/m);
    // not a replica: no lag series at all
    expect(text).not.toMatch(/^whmcs_ha_mysql_replication_lag_seconds\{/m);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});

describe('Backoff', () => {
  it('grows to the cap with jitter in [d/2, d] and resets', () => {
    let x = 0;
    const b = new Backoff(100, 1000, () => (x++ % 2 ? 1 : 0));
    const ds = Array.from({ length: 8 }, () => b.next());
    expect(ds.slice(0, 5)).toEqual([50, 200, 200, 800, 500]);
    expect(Math.max(...ds)).toBeLessThanOrEqual(1000);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(100);
  });
});
