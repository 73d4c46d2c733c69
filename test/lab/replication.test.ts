import { describe, expect, it } from 'vitest';
import { replicaStatus } from '../../deploy/lab/mariadb.js';
import { msUntil, sqlValue, testLab, uniqueId } from './lab-client.js';

describe('lab: MariaDB master-master replication', () => {
  it('a write through the LB lands on web001 and is on web002 within 1 s', async () => {
    const { state, web001, web002 } = testLab();
    const id = uniqueId('lb-write');
    const res = await fetch(new URL('write.php', state.lbUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id }),
    });
    const body = (await res.json()) as { id: string; node: string; serverId: number };
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ id, node: 'web001', serverId: web001.serverId });
    // the row is in web001's own database (not merely acknowledged by it)
    expect(await sqlValue(web001, `SELECT CONCAT(node, ':', server_id) FROM whmcs.lab_writes WHERE id = '${id}'`)).toBe('web001:1');
    const ms = await msUntil(async () => (await sqlValue(web002, `SELECT COUNT(*) FROM whmcs.lab_writes WHERE id = '${id}'`)) === '1', 5000);
    console.log(`[lab] LB write visible on web002 after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });

  it('a row written directly on web002 shows on web001', async () => {
    const { web001, web002 } = testLab();
    const id = uniqueId('web002-direct');
    // root may write although web002 is read_only (the app user may not); the row goes into web002's binlog
    await sqlValue(web002, `INSERT INTO whmcs.lab_writes (id, node, server_id) VALUES ('${id}', 'web002', @@server_id)`);
    const ms = await msUntil(async () => (await sqlValue(web001, `SELECT server_id FROM whmcs.lab_writes WHERE id = '${id}'`)) === '2', 5000);
    console.log(`[lab] direct web002 write visible on web001 after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
    // its GTID carries web002's domain and server id (the in-memory position follows the commit by a moment)
    await msUntil(async () => /(^|,)2-2-\d+/.test(await sqlValue(web001, 'SELECT @@gtid_slave_pos')), 1000);
  });

  it('each node runs with the settings DESIGN §2/§6 ask for', async () => {
    const { web001, web002 } = testLab();
    const q =
      "SELECT CONCAT_WS(' ', @@server_id, @@log_bin, @@binlog_format, @@log_slave_updates, @@auto_increment_increment, " +
      '@@auto_increment_offset, @@gtid_domain_id, @@rpl_semi_sync_master_enabled, @@rpl_semi_sync_slave_enabled, @@rpl_semi_sync_master_wait_no_slave)';
    expect(await sqlValue(web001, q)).toBe('1 ON ROW ON 2 1 1 ON ON OFF');
    expect(await sqlValue(web002, q)).toBe('2 ON ROW ON 2 2 2 ON ON OFF');
    // read-only at boot from the config; the lab made web001 (and only web001) writable
    expect(await sqlValue(web001, 'SELECT @@read_only')).toBe('0');
    expect(await sqlValue(web002, 'SELECT @@read_only')).toBe('1');
    for (const [host, peer] of [
      [web001, web002],
      [web002, web001],
    ] as const) {
      const status = await sqlValue(host, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS'");
      expect(status, `${host.name} semi-sync master status`).toBe('ON');
      const replica = await replicaStatus(host);
      expect(replica, `${host.name} replicates from ${peer.name}`).toMatchObject({
        masterHost: peer.address,
        usingGtid: 'Slave_Pos',
        ioRunning: 'Yes',
        sqlRunning: 'Yes',
        lastError: '',
      });
    }
  });

  it('the app user cannot write on the read-only node: the LB-less write to web002 answers 503', async () => {
    const { web002 } = testLab();
    const res = await fetch(`http://${web002.address}/write.php`, { method: 'POST', body: new URLSearchParams({ id: uniqueId('ro') }) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { node: string }).node).toBe('web002');
  });

  it('auto-increment offsets keep the two nodes apart', async () => {
    const { state, web002 } = testLab();
    const res = await fetch(new URL('write.php', state.lbUrl), { method: 'POST', body: new URLSearchParams({ id: uniqueId('seq') }) });
    const { seq } = (await res.json()) as { seq: number };
    expect(seq % 2).toBe(1); // web001: offset 1
    const id = uniqueId('seq2');
    await sqlValue(web002, `INSERT INTO whmcs.lab_writes (id, node, server_id) VALUES ('${id}', 'web002', @@server_id)`);
    expect(Number(await sqlValue(web002, `SELECT seq FROM whmcs.lab_writes WHERE id = '${id}'`)) % 2).toBe(0); // web002: offset 2
  });
});
