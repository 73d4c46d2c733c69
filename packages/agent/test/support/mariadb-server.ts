import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort } from './free-port.js';
import { startProcess, waitFor, type ProcessHandle } from './process-handle.js';

const run = promisify(execFile);

/** User the agent probes with (over TCP, like production); the tests use root over the socket. */
export const PROBE_USER = 'whmcs_ha';
export const PROBE_PASSWORD = 'probe-secret';

export interface MariaDbServer {
  port: number;
  socket: string;
  dir: string;
  serverId: number;
  proc: ProcessHandle;
  /** runs SQL as root over the unix socket */
  query<T = mysql.RowDataPacket[]>(sql: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A throwaway mariadbd in `dir`: own datadir, unix socket, a free port on
 * 127.0.0.1, binlog with GTIDs, read_only=ON at boot like production.
 */
export async function startMariaDb(dir: string, serverId: number, opts: { readOnly?: boolean } = {}): Promise<MariaDbServer> {
  mkdirSync(dir, { recursive: true });
  const datadir = join(dir, 'data');
  // a private tmpdir: the bootstrap's temporary tables are named per thread, and several servers start at once
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    `--tmpdir=${tmp}`,
  ]);
  const port = await freePort();
  const socket = join(dir, 'mysqld.sock');
  const proc = startProcess(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(dir, 'mysqld.pid')}`,
      `--tmpdir=${tmp}`,
      '--user=root',
      `--server-id=${serverId}`,
      '--log-bin=mysql-bin',
      '--log-slave-updates=ON',
      '--binlog-format=ROW',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=16M',
      '--innodb-log-file-size=8M',
      '--performance-schema=OFF',
      `--auto-increment-increment=2`,
      `--auto-increment-offset=${serverId}`,
      `--read-only=${opts.readOnly === false ? 'OFF' : 'ON'}`,
      `--log-error=${join(dir, 'error.log')}`,
    ],
    join(dir, 'mariadbd.out'),
  );
  let pool: mysql.Pool | undefined;
  try {
    await waitFor('mariadbd to accept connections', async () => {
      if (proc.child.exitCode !== null) throw new Error(`mariadbd exited, see ${dir}/error.log`);
      const c = await mysql.createConnection({ socketPath: socket, user: 'root' });
      await c.end();
      return true;
    });
    pool = mysql.createPool({ socketPath: socket, user: 'root', connectionLimit: 2, multipleStatements: false });
    // users are set up outside the binlog, so each server's GTID history holds only test writes
    const setup = await mysql.createConnection({ socketPath: socket, user: 'root' });
    for (const sql of [
      'SET SESSION sql_log_bin = 0',
      `CREATE USER IF NOT EXISTS '${PROBE_USER}'@'127.0.0.1' IDENTIFIED BY '${PROBE_PASSWORD}'`,
      `GRANT ALL PRIVILEGES ON *.* TO '${PROBE_USER}'@'127.0.0.1' WITH GRANT OPTION`,
      `CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'`,
      `GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'`,
    ])
      await setup.query(sql);
    await setup.end();
  } catch (e) {
    // never leave a half-started server behind a failed beforeAll
    await pool?.end().catch(() => undefined);
    await proc.stop();
    throw e;
  }
  const query = async <T>(sql: string, params?: unknown[]): Promise<T> => {
    const [rows] = await pool!.query(sql, params);
    return rows as T;
  };
  return {
    port,
    socket,
    dir,
    serverId,
    proc,
    query,
    async stop() {
      await pool?.end().catch(() => undefined);
      pool = undefined;
      await proc.stop();
    },
  };
}

/** Makes `replica` replicate from `primary` with GTIDs (current_pos) and waits for both threads. */
export async function startReplication(primary: MariaDbServer, replica: MariaDbServer): Promise<void> {
  await replica.query(
    `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=current_pos, MASTER_CONNECT_RETRY=1`,
  );
  await replica.query('START SLAVE');
  await waitFor('replica threads running', async () => {
    const rows = await replica.query<Record<string, unknown>[]>('SHOW SLAVE STATUS');
    const r = rows[0];
    return r && r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes';
  });
}
