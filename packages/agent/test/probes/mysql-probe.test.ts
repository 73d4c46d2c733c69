import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlProbe } from '../../src/probes/mysql-probe.js';
import { PROBE_PASSWORD, PROBE_USER, startMariaDb, startReplication, type MariaDbServer } from '../support/mariadb-server.js';
import { startTogether } from '../support/start-together.js';
import { waitFor } from '../support/process-handle.js';

let dir: string;
let primary: MariaDbServer;
let replica: MariaDbServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-mysql-probe-'));
  [primary, replica] = await startTogether<[MariaDbServer, MariaDbServer]>([startMariaDb(join(dir, 'p'), 1, { readOnly: false }), startMariaDb(join(dir, 'r'), 2)]);
  await startReplication(primary, replica);
}, 60_000);

afterAll(async () => {
  await Promise.all([primary?.stop(), replica?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const probeOf = (s: MariaDbServer, timeoutMs = 1000) =>
  new MysqlProbe({ host: '127.0.0.1', port: s.port, user: PROBE_USER, password: PROBE_PASSWORD }, timeoutMs);

describe('MysqlProbe against a live MariaDB pair', () => {
  it('reports the primary: flavour, version, server id, read_only, binlog settings, GTIDs', async () => {
    await primary.query('CREATE DATABASE IF NOT EXISTS app');
    await primary.query('CREATE TABLE IF NOT EXISTS app.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT)');
    await primary.query('INSERT INTO app.t (v) VALUES (1)');
    const [pos] = await primary.query<{ p: string }[]>('SELECT @@gtid_current_pos AS p');
    const probe = probeOf(primary);
    const s = await probe.probe();
    probe.close();
    expect(s.up).toBe(true);
    expect(s.error).toBe('');
    expect(s.flavour).toBe('mariadb');
    expect(s.version).toMatch(/^10\.11\..*MariaDB/);
    expect(s.serverId).toBe(1);
    expect(s.readOnly).toBe(false);
    expect(s.binlogFormat).toBe('ROW');
    expect(s.logSlaveUpdates).toBe(true);
    expect(s.autoIncrementIncrement).toBe(2);
    expect(s.autoIncrementOffset).toBe(1);
    expect(s.gtidMode).toBe(true);
    expect(s.gtidExecuted).toBe(pos!.p);
    expect(s.gtidExecuted).toMatch(/^0-1-\d+$/);
    expect(s.replica).toBeNull();
    // semi-sync is built into MariaDB and off by default
    expect(s.semiSync).toEqual({ primaryEnabled: false, replicaEnabled: false, primaryStatus: false, replicaStatus: false, primaryClients: 0 });
    expect(s.latencyMs).toBeGreaterThan(0);
  });

  it('reports the replica: threads, source, lag, GTID executed and retrieved, semi-sync enabled', async () => {
    await replica.query('SET GLOBAL rpl_semi_sync_slave_enabled = ON');
    await primary.query('SET GLOBAL rpl_semi_sync_master_enabled = ON');
    // the IO thread registers as semi-sync only when it (re)connects
    await replica.query('STOP SLAVE IO_THREAD');
    await replica.query('START SLAVE IO_THREAD');
    await primary.query('INSERT INTO app.t (v) VALUES (2)');
    const [pos] = await primary.query<{ p: string }[]>('SELECT @@gtid_current_pos AS p');
    const probe = probeOf(replica);
    const s = await waitFor('replica to catch up', async () => {
      const st = await probe.probe();
      return st.gtidExecuted === pos!.p && st.semiSync?.replicaStatus ? st : undefined;
    });
    expect(s.readOnly).toBe(true);
    expect(s.serverId).toBe(2);
    expect(s.autoIncrementOffset).toBe(2);
    expect(s.replica).toMatchObject({
      configured: true,
      ioRunning: true,
      sqlRunning: true,
      lastIoErrno: 0,
      lastSqlErrno: 0,
      sourceHost: '127.0.0.1',
      sourcePort: primary.port,
    });
    expect(s.replica!.secondsBehind).toBeGreaterThanOrEqual(0);
    expect(s.gtidRetrieved).toBe(pos!.p);
    expect(s.semiSync).toMatchObject({ replicaEnabled: true, replicaStatus: true });
    const ps = await probeOf(primary).probe();
    expect(ps.semiSync).toMatchObject({ primaryEnabled: true, primaryStatus: true, primaryClients: 1 });

    await replica.query('STOP SLAVE SQL_THREAD');
    const stopped = await probe.probe();
    expect(stopped.replica).toMatchObject({ ioRunning: true, sqlRunning: false });
    expect(stopped.replica!.secondsBehind).toBe(-1);
    await replica.query('START SLAVE SQL_THREAD');
    probe.close();
  });

  it('reports a broken replication (conflicting row) with the SQL error', async () => {
    // a row written on the replica directly, then the same key from the primary: duplicate key
    await replica.query('SET GLOBAL read_only = OFF');
    await replica.query('INSERT INTO app.t (id, v) VALUES (1001, 9)');
    await replica.query('SET GLOBAL read_only = ON');
    await primary.query('INSERT INTO app.t (id, v) VALUES (1001, 10)');
    const probe = probeOf(replica);
    const s = await waitFor('SQL thread error', async () => {
      const st = await probe.probe();
      return st.replica && !st.replica.sqlRunning && st.replica.lastSqlErrno ? st : undefined;
    });
    probe.close();
    expect(s.replica!.lastSqlErrno).toBe(1062);
    expect(s.replica!.lastSqlError).toMatch(/Duplicate entry '1001'/);
    expect(s.replica!.ioRunning).toBe(true);
    // repair so later tests see a healthy pair
    await replica.query('DELETE FROM app.t WHERE id = 1001');
    await replica.query('START SLAVE SQL_THREAD');
  });

  it('reports a SIGSTOPped server down within the probe timeout, and up again after SIGCONT', async () => {
    const probe = probeOf(primary, 500);
    expect((await probe.probe()).up).toBe(true);
    process.kill(primary.proc.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const s = await probe.probe();
      const took = Date.now() - t0;
      expect(s.up).toBe(false);
      expect(s.error).toMatch(/timed out|ETIMEDOUT/i);
      expect(took).toBeLessThan(500 + 150);
      // a fresh connection against the paused server is bounded as well
      const t1 = Date.now();
      const s2 = await probe.probe();
      expect(s2.up).toBe(false);
      expect(Date.now() - t1).toBeLessThan(500 + 150);
    } finally {
      process.kill(primary.proc.pid, 'SIGCONT');
    }
    const back = await waitFor('server back', async () => ((await probe.probe()).up ? true : undefined), 10_000);
    expect(back).toBe(true);
    probe.close();
  });

  it('reports a refused connection down with the error', async () => {
    const probe = new MysqlProbe({ host: '127.0.0.1', port: 1, user: 'x' }, 500);
    const s = await probe.probe();
    expect(s.up).toBe(false);
    expect(s.error).toMatch(/ECONNREFUSED/);
  });
});
