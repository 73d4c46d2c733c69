import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, CommandResult } from '@whmcs-ha/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent.js';
import { Manifest } from '../../src/files/manifest.js';
import { agentConfig } from '../support/agent-config.js';
import { generateTree } from '../support/file-tree.js';
import { freePort } from '../support/free-port.js';
import { startLinkServer, type LinkServer } from '../support/link-server.js';
import { startMariaDb, startReplication, type MariaDbServer } from '../support/mariadb-server.js';
import { startPhpFpm, type PhpFpmServer } from '../support/php-fpm-server.js';
import { startTogether } from '../support/start-together.js';
import { startProcess, waitFor, type ProcessHandle } from '../support/process-handle.js';

let dir: string;
let primary: MariaDbServer;
let replica: MariaDbServer;
let fpm: PhpFpmServer;
let server: LinkServer;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-cmd-'));
  [primary, replica, fpm] = await startTogether<[MariaDbServer, MariaDbServer, PhpFpmServer]>([
    startMariaDb(join(dir, 'p'), 1, { readOnly: false }),
    startMariaDb(join(dir, 'r'), 2),
    startPhpFpm(join(dir, 'fpm')),
  ]);
  await startReplication(primary, replica);
  server = await startLinkServer('c1', 0, { leader: true, term: 3 });
}, 60_000);

afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

afterAll(async () => {
  await server?.stop();
  await Promise.all([primary?.stop(), replica?.stop(), fpm?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

let ids = 0;
const cmd = (kind: Command['kind'], epoch: number, extra: Partial<Command> = {}): Omit<Command, 'node'> => ({
  id: `cmd-${++ids}`,
  term: server.leadership.term,
  epoch,
  kind,
  [kind!]: {},
  ...extra,
});

async function startAgent(opts: { dataDir?: string; root?: string; db?: MariaDbServer; node?: string; backupDir?: string } = {}): Promise<Agent> {
  const root = opts.root ?? join(dir, 'root-default');
  if (!existsSync(root)) generateTree(root, 5, 10);
  const a = new Agent(
    agentConfig({
      node: opts.node ?? 'web002',
      dataDir: opts.dataDir ?? mkdtempSync(join(dir, 'data-')),
      root,
      coordinators: [server.address],
      db: opts.db ?? replica,
      fpmSocket: fpm.socket,
      ...(opts.backupDir ? { backupDir: opts.backupDir } : {}),
    }),
  );
  await a.start();
  await waitFor('agent connected', async () => server.links.node(opts.node ?? 'web002')?.connected && a.links[0]!.connected);
  cleanup.push(() => a.stop());
  return a;
}

const readOnly = async (s: MariaDbServer) => Number((await s.query<{ ro: number }[]>('SELECT @@read_only AS ro'))[0]!.ro);
const detail = (r: CommandResult) => JSON.parse(r.detail) as Record<string, unknown>;

describe('commands end to end over the stream', () => {
  it('set-writable and set-read-only really toggle read_only on MariaDB', async () => {
    await startAgent();
    expect(await readOnly(replica)).toBe(1);
    const w = await server.links.sendCommand('web002', cmd('setWritable', 1), 5000);
    expect(w).toMatchObject({ ok: true, error: '', node: 'web002', epoch: 1 });
    expect(detail(w)).toEqual({ readOnly: false });
    expect(w.durationMs).toBeGreaterThan(0);
    expect(await readOnly(replica)).toBe(0);
    const r = await server.links.sendCommand('web002', cmd('setReadOnly', 1), 5000);
    expect(r.ok).toBe(true);
    expect(await readOnly(replica)).toBe(1);
  });

  it('a repeated id is answered from the cache without running again', async () => {
    await startAgent();
    const c = cmd('setWritable', 1);
    const first = await server.links.sendCommand('web002', c, 5000);
    expect(first.ok).toBe(true);
    expect(await readOnly(replica)).toBe(0);
    // put the server back by hand: if the repeat ran, read_only would go OFF again
    await replica.query('SET GLOBAL read_only = ON');
    const again = await server.links.sendCommand('web002', c, 5000);
    expect(again).toEqual(first);
    expect(await readOnly(replica)).toBe(1);
  });

  it('an older epoch is refused, also after the agent restarts', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const a = await startAgent({ dataDir });
    expect((await server.links.sendCommand('web002', cmd('setReadOnly', 7), 5000)).ok).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, 'fencing.json'), 'utf8'))).toEqual({ highestEpoch: 7, highestTerm: 3 });
    const old = await server.links.sendCommand('web002', cmd('setWritable', 6), 5000);
    expect(old.ok).toBe(false);
    expect(old.error).toMatch(/refused: epoch 6 is older than the highest epoch seen \(7\)/);
    expect(await readOnly(replica)).toBe(1);
    await a.stop();
    cleanup.pop();
    await waitFor('old stream gone', async () => !server.links.node('web002')?.connected);
    // a new agent process on the same data dir
    const b = await startAgent({ dataDir });
    expect(b.fencing.highestEpoch).toBe(7);
    expect(server.links.node('web002')!.highestEpoch).toBe(7);
    const stale = await server.links.sendCommand('web002', cmd('setWritable', 6), 5000);
    expect(stale.ok).toBe(false);
    expect(stale.error).toMatch(/epoch 6 is older/);
    expect(await readOnly(replica)).toBe(1);
    // the current epoch still works
    expect((await server.links.sendCommand('web002', cmd('setReadOnly', 7), 5000)).ok).toBe(true);
  });

  it('commands from a coordinator that does not lead, or for another term or node, are refused', async () => {
    const follower = await startLinkServer('c2', 0, { leader: false, term: 3 });
    cleanup.push(() => follower.stop());
    const a = new Agent(
      agentConfig({ node: 'web002', dataDir: mkdtempSync(join(dir, 'data-')), root: join(dir, 'root-default'), coordinators: [follower.address], db: replica, fpmSocket: fpm.socket }),
    );
    await a.start();
    cleanup.push(() => a.stop());
    await waitFor('connected', async () => follower.links.node('web002')?.connected && a.links[0]!.connected);
    const r = await follower.links.sendCommand('web002', cmd('setWritable', 1), 5000);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/does not claim leadership/);
    // it now claims leadership at term 3, but the command says term 2
    follower.leadership.leader = true;
    follower.links.announceLeadership();
    await waitFor('welcome seen', async () => a.links[0]!.leadership?.leader);
    const wrongTerm = await follower.links.sendCommand('web002', { ...cmd('setWritable', 1), term: 2 }, 5000);
    expect(wrongTerm.error).toMatch(/term 2 differs/);
    // a newer term was seen from somebody: a leader of an older term is deposed
    follower.leadership.term = 9;
    follower.links.announceLeadership();
    await waitFor('term 9 seen', async () => a.fencing.highestTerm === 9);
    follower.leadership.term = 4;
    follower.links.announceLeadership();
    await waitFor('term 4 welcome', async () => a.links[0]!.leadership?.term === 4);
    const deposed = await follower.links.sendCommand('web002', { ...cmd('setWritable', 1), term: 4 }, 5000);
    expect(deposed.error).toMatch(/term 4 is older than the highest term seen \(9\)/);
    expect(await readOnly(replica)).toBe(1);
  });

  it('stop-replica, start-replica and wait-for-gtid (bounded) on the MariaDB replica', async () => {
    await startAgent();
    const status = async () => (await replica.query<Record<string, string>[]>('SHOW SLAVE STATUS'))[0]!;
    expect((await server.links.sendCommand('web002', cmd('stopReplica', 1), 5000)).ok).toBe(true);
    expect((await status()).Slave_SQL_Running).toBe('No');
    await primary.query('CREATE DATABASE IF NOT EXISTS w');
    await primary.query('CREATE TABLE IF NOT EXISTS w.t (id INT PRIMARY KEY)');
    await primary.query('INSERT INTO w.t VALUES (1)');
    const { p } = (await primary.query<{ p: string }[]>('SELECT @@gtid_current_pos AS p'))[0]!;
    // replication stopped: the wait must give up at its bound
    const t0 = Date.now();
    const timedOut = await server.links.sendCommand('web002', cmd('waitForGtid', 1, { waitForGtid: { gtidSet: p!, timeoutMs: 400 } }), 5000);
    expect(timedOut.ok).toBe(false);
    expect(timedOut.error).toMatch(/not executed within 400 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((await server.links.sendCommand('web002', cmd('startReplica', 1), 5000)).ok).toBe(true);
    expect((await status()).Slave_SQL_Running).toBe('Yes');
    const reached = await server.links.sendCommand('web002', cmd('waitForGtid', 1, { waitForGtid: { gtidSet: p!, timeoutMs: 5000 } }), 8000);
    expect(reached).toMatchObject({ ok: true });
    expect(detail(reached)).toEqual({ reached: true });
    const { c } = (await replica.query<{ c: number }[]>('SELECT COUNT(*) AS c FROM w.t'))[0]!;
    expect(Number(c)).toBe(1);
  });

  it('stop-replica returns at once with the SQL thread stopped even when the source is frozen (the IO thread follows)', async () => {
    await startAgent();
    const status = async () => (await replica.query<Record<string, string>[]>('SHOW SLAVE STATUS'))[0]!;
    // as in production: a semi-sync replica, whose IO thread, when stopped, connects to its source to
    // kill its dump thread (and waits for that connection when the source does not answer)
    await primary.query('SET GLOBAL rpl_semi_sync_master_enabled = ON');
    await replica.query('SET GLOBAL rpl_semi_sync_slave_enabled = ON');
    cleanup.push(async () => {
      await replica.query('SET GLOBAL rpl_semi_sync_slave_enabled = OFF');
      await primary.query('SET GLOBAL rpl_semi_sync_master_enabled = OFF');
    });
    expect((await server.links.sendCommand('web002', cmd('stopReplica', 1), 5000)).ok).toBe(true);
    expect((await server.links.sendCommand('web002', cmd('startReplica', 1), 5000)).ok).toBe(true);
    await waitFor('replica IO thread connected', async () => ((await status()).Slave_IO_Running === 'Yes' ? true : undefined), 10_000, 100);
    const pid = Number(readFileSync(join(dir, 'p', 'mysqld.pid'), 'utf8').trim());
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const res = await server.links.sendCommand('web002', cmd('stopReplica', 1), 5000);
      const ms = Date.now() - t0;
      expect(res.ok).toBe(true);
      expect((await status()).Slave_SQL_Running).toBe('No');
      // MariaDB needs about 2 s to end an IO thread blocked on a frozen source; the command does not wait for it
      expect(ms).toBeLessThan(1500);
      await waitFor('IO thread stopped as well', async () => ((await status()).Slave_IO_Running === 'No' ? true : undefined), 10_000, 100);
      console.log(`[agent] stopReplica with a frozen source: ${ms} ms, detail ${JSON.stringify(detail(res))}`);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await server.links.sendCommand('web002', cmd('startReplica', 1), 5000)).ok).toBe(true);
  });

  it('stop-replica with disconnectReplicas also ends the binlog dump threads serving its replicas, which reconnect', async () => {
    await startAgent({ db: primary, node: 'web001' });
    const dumpIds = async () =>
      (await primary.query<{ id: number }[]>("SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'")).map((r) => Number(r.id));
    const before = await waitFor('the replica connected (a dump thread)', async () => {
      const ids = await dumpIds();
      return ids.length > 0 ? ids : undefined;
    }, 10_000, 100);
    const res = await server.links.sendCommand('web001', cmd('stopReplica', 1, { stopReplica: { disconnectReplicas: true } }), 5000);
    expect(res.ok, res.error).toBe(true);
    expect(detail(res)).toMatchObject({ sqlThreadStopped: true, replicasDisconnected: before.length });
    const after = await waitFor('the replica reconnected (a new dump thread)', async () => {
      const ids = await dumpIds();
      return ids.length > 0 && ids.every((id) => !before.includes(id)) ? ids : undefined;
    }, 10_000, 100);
    expect(after.length).toBe(before.length);
  });

  it('sendCommand rejects at once without a stream', async () => {
    await expect(server.links.sendCommand('web009', cmd('setReadOnly', 1), 1000)).rejects.toThrow(/no stream from web009/);
  });
});

describe('health changes reach the coordinator within two report intervals (250 ms)', () => {
  const BOUND = 2 * 250 + 200; // two intervals, plus the probe's own round trips on a busy CI machine

  async function changeSeen(what: string, act: () => Promise<void>, seen: (r: import('@whmcs-ha/shared').Report) => boolean): Promise<number> {
    const got: { at: number; r: import('@whmcs-ha/shared').Report }[] = [];
    const on = (_n: string, r: import('@whmcs-ha/shared').Report) => got.push({ at: Date.now(), r });
    server.links.on('report', on);
    try {
      const t0 = Date.now();
      await act();
      const hit = await waitFor(what, async () => got.find((g) => g.at >= t0 && seen(g.r)), 5000, 5);
      return hit.at - t0;
    } finally {
      server.links.off('report', on);
    }
  }

  it('replica SQL thread stopped, replication broken by a conflicting row, php-fpm stopped', async () => {
    const fpm2 = await startPhpFpm(join(dir, 'fpm2'));
    cleanup.push(() => fpm2.stop());
    const a = new Agent(
      agentConfig({ node: 'web002', dataDir: mkdtempSync(join(dir, 'data-')), root: join(dir, 'root-default'), coordinators: [server.address], db: replica, fpmSocket: fpm2.socket }),
    );
    await a.start();
    cleanup.push(() => a.stop());
    await waitFor('healthy report', async () => {
      const r = server.links.node('web002')?.report;
      return r?.mysql?.replica?.sqlRunning && r.phpFpm?.up;
    });

    const stopped = await changeSeen('SQL thread stopped', () => replica.query('STOP SLAVE SQL_THREAD').then(() => undefined), (r) => r.mysql?.replica?.sqlRunning === false);
    expect(stopped).toBeLessThan(BOUND);
    await replica.query('START SLAVE SQL_THREAD');
    await waitFor('running again', async () => server.links.node('web002')?.report?.mysql?.replica?.sqlRunning);

    await primary.query('CREATE DATABASE IF NOT EXISTS h');
    await primary.query('CREATE TABLE IF NOT EXISTS h.t (id INT PRIMARY KEY)');
    await waitFor('table replicated', async () => (await replica.query<unknown[]>("SHOW TABLES FROM h LIKE 't'")).length === 1);
    await replica.query('SET GLOBAL read_only = OFF');
    await replica.query('INSERT INTO h.t VALUES (77)');
    await replica.query('SET GLOBAL read_only = ON');
    const broken = await changeSeen('conflict', () => primary.query('INSERT INTO h.t VALUES (77)').then(() => undefined), (r) => r.mysql?.replica?.lastSqlErrno === 1062);
    expect(broken).toBeLessThan(BOUND);
    await replica.query('DELETE FROM h.t WHERE id = 77');
    await replica.query('START SLAVE SQL_THREAD');

    const fpmDown = await changeSeen('php-fpm stopped', () => fpm2.stop(), (r) => r.phpFpm?.up === false);
    // the stop itself waits for the master to exit; the report comes within the bound after that
    expect(fpmDown).toBeLessThan(BOUND + 1000);
  });
});

describe('sync-files-from', () => {
  const makeTrees = (name: string) => {
    const src = join(dir, `${name}-src`);
    const dst = join(dir, `${name}-dst`);
    generateTree(src, 40, 300);
    generateTree(dst, 40, 300);
    writeFileSync(join(dst, 'd1', 's0', 'f1.php'), 'local edit that the source does not have');
    writeFileSync(join(dst, 'stray.php'), 'only on the drifted node');
    writeFileSync(join(src, 'new.php'), 'only on the source');
    writeFileSync(join(dst, 'templates_c', 'cache.php'), 'this node cache');
    return { src, dst };
  };

  async function check(src: string, dst: string, sourceUrl: string) {
    const backupDir = join(dir, `${src.split('/').pop()}-backups`);
    await startAgent({ root: dst, backupDir });
    const want = (await new Manifest({ root: src, excludes: [], debounceMs: 10 }).scan()).rootDigest;
    const before = (await new Manifest({ root: dst, excludes: [], debounceMs: 10 }).scan()).rootDigest;
    expect(before).not.toBe(want);
    const r = await server.links.sendCommand('web002', cmd('syncFilesFrom', 1, { syncFilesFrom: { sourceNode: 'web001', sourceUrl, expectedDigest: want } }), 30_000);
    expect(r.error).toBe('');
    expect(r.ok).toBe(true);
    const d = detail(r);
    expect(d.digest).toBe(want);
    expect(d.matches).toBe(true);
    // the digests are equal, on a fresh scan too
    expect((await new Manifest({ root: dst, excludes: [], debounceMs: 10 }).scan()).rootDigest).toBe(want);
    // overwritten and deleted files are kept in the backup dir
    const b = d.backupDir as string;
    expect(b.startsWith(backupDir)).toBe(true);
    expect(readFileSync(join(b, 'd1', 's0', 'f1.php'), 'utf8')).toBe('local edit that the source does not have');
    expect(readFileSync(join(b, 'stray.php'), 'utf8')).toBe('only on the drifted node');
    expect(existsSync(join(dst, 'stray.php'))).toBe(false);
    // templates_c is this node's own cache: neither copied nor deleted
    expect(readFileSync(join(dst, 'templates_c', 'cache.php'), 'utf8')).toBe('this node cache');
    expect(readdirSync(backupDir).length).toBe(1);
  }

  it('from a local path: digests equal, overwritten files in the backup dir', async () => {
    const { src, dst } = makeTrees('local');
    await check(src, dst, src);
  });

  it('from an rsync daemon on loopback', async () => {
    const { src, dst } = makeTrees('daemon');
    const port = await freePort();
    const conf = join(dir, 'rsyncd.conf');
    writeFileSync(conf, `use chroot = no\nuid = root\ngid = root\npid file = ${join(dir, 'rsyncd.pid')}\n[whmcs]\npath = ${src}\nread only = yes\n`);
    const d: ProcessHandle = startProcess('rsync', ['--daemon', '--no-detach', `--port=${port}`, '--address=127.0.0.1', `--config=${conf}`], join(dir, 'rsyncd.log'));
    cleanup.push(() => d.stop());
    await waitFor('rsyncd', async () => {
      execFileSync('rsync', [`rsync://127.0.0.1:${port}/`], { stdio: 'pipe' });
      return true;
    });
    await check(src, dst, `rsync://127.0.0.1:${port}/whmcs/`);
  });

  it('a failing rsync is an error result naming rsync', async () => {
    const dst = join(dir, 'fail-dst');
    mkdirSync(dst);
    await startAgent({ root: dst });
    const r = await server.links.sendCommand('web002', cmd('syncFilesFrom', 1, { syncFilesFrom: { sourceNode: 'web001', sourceUrl: join(dir, 'does-not-exist'), expectedDigest: '' } }), 30_000);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/rsync from .*does-not-exist failed \(exit 23\)/);
  });
});
