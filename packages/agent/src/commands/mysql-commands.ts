import { MysqlConnection, type MysqlTarget } from '../mysql-connection.js';

export type Detail = Record<string, unknown>;

/**
 * The MySQL side of the leader's commands. Every statement is bounded (the
 * connection is destroyed on timeout); each command reads the state back so
 * its result shows what the server really did.
 */
export class MysqlCommands {
  private readonly conn: MysqlConnection;
  private flavourCache: 'mariadb' | 'mysql' | undefined;

  constructor(
    private readonly target: MysqlTarget,
    private readonly timeoutMs: number,
  ) {
    this.conn = new MysqlConnection(target);
  }

  close(): void {
    this.conn.destroy();
  }

  private async flavour(): Promise<'mariadb' | 'mysql'> {
    if (!this.flavourCache) {
      const [r] = await this.conn.query('SELECT VERSION() AS v, @@version_comment AS c', [], this.timeoutMs);
      this.flavourCache = /mariadb/i.test(`${String(r?.v)} ${String(r?.c)}`) ? 'mariadb' : 'mysql';
    }
    return this.flavourCache;
  }

  private async readOnlyState(): Promise<Detail> {
    const f = await this.flavour();
    const [r] = await this.conn.query(f === 'mysql' ? 'SELECT @@read_only AS ro, @@super_read_only AS sro' : 'SELECT @@read_only AS ro', [], this.timeoutMs);
    return { readOnly: Number(r?.ro) === 1, ...(f === 'mysql' ? { superReadOnly: Number(r?.sro) === 1 } : {}) };
  }

  async setReadOnly(): Promise<Detail> {
    const f = await this.flavour();
    await this.conn.query('SET GLOBAL read_only = ON', [], this.timeoutMs);
    // MySQL: super_read_only also stops SUPER users (the agent itself, root) from writing
    if (f === 'mysql') await this.conn.query('SET GLOBAL super_read_only = ON', [], this.timeoutMs);
    const st = await this.readOnlyState();
    if (st.readOnly !== true) throw new Error('read_only is still OFF after SET GLOBAL read_only = ON');
    return st;
  }

  async setWritable(): Promise<Detail> {
    const f = await this.flavour();
    if (f === 'mysql') await this.conn.query('SET GLOBAL super_read_only = OFF', [], this.timeoutMs);
    await this.conn.query('SET GLOBAL read_only = OFF', [], this.timeoutMs);
    const st = await this.readOnlyState();
    if (st.readOnly !== false) throw new Error('read_only is still ON after SET GLOBAL read_only = OFF');
    return st;
  }

  /** STOP/START REPLICA (MariaDB 10.5.1+, MySQL 8.0.22+), SLAVE on older servers. */
  private async replica(verb: 'STOP' | 'START', thread = '', conn = this.conn): Promise<Detail> {
    try {
      await conn.query(`${verb} REPLICA${thread}`, [], this.timeoutMs);
    } catch (e) {
      if ((e as { errno?: number }).errno !== 1064) throw e;
      await conn.query(`${verb} SLAVE${thread}`, [], this.timeoutMs);
    }
    return {};
  }

  /**
   * Detaching a failover's new active must stop anything more of the old active from being applied.
   * Its IO thread, blocked on a frozen or cut-off source, takes MariaDB about 2 s to end (its stop
   * loop re-signals every 2 s), and that was 2 s of every such failover's outage. So the SQL thread
   * is stopped first and awaited (nothing fetched is applied from then on), and the whole STOP runs
   * on a connection of its own: the command returns once the IO thread is down or 300 ms have
   * passed, and says which.
   */
  async stopReplica(disconnectReplicas = false): Promise<Detail> {
    await this.replica('STOP', ' SQL_THREAD');
    // a failover's old active, frozen or cut off, leaves its binlog dump thread here stuck writing to
    // the network; when it comes back, MariaDB replaces that thread and the whole server stalls for
    // 3-5 s (measured in the lab). Ended now, the old node's IO thread simply reconnects.
    let disconnected = 0;
    if (disconnectReplicas) {
      const rows = await this.conn.query("SELECT id FROM information_schema.processlist WHERE command LIKE 'Binlog Dump%'", [], this.timeoutMs);
      for (const r of rows) {
        try {
          await this.conn.query('KILL CONNECTION ?', [Number(r.id)], this.timeoutMs);
          disconnected += 1;
        } catch (e) {
          if ((e as { errno?: number }).errno !== 1094) throw e; // 1094: unknown thread (gone meanwhile)
        }
      }
    }
    const side = new MysqlConnection(this.target);
    const all = this.replica('STOP', '', side).then(
      () => true,
      () => false,
    );
    void all.finally(() => side.destroy());
    const ioStopped = await Promise.race([all, new Promise<false>((r) => setTimeout(() => r(false), 300).unref())]);
    return { sqlThreadStopped: true, ioThreadStopped: ioStopped, ...(disconnectReplicas ? { replicasDisconnected: disconnected } : {}) };
  }

  startReplica(): Promise<Detail> {
    return this.replica('START');
  }

  /**
   * Waits until the server has executed every GTID of `gtidSet`, at most
   * `timeoutMs`: MASTER_GTID_WAIT on MariaDB (0 done, -1 timeout),
   * WAIT_FOR_EXECUTED_GTID_SET on MySQL (0 done, 1 timeout).
   */
  async waitForGtid(gtidSet: string, timeoutMs: number): Promise<Detail> {
    const f = await this.flavour();
    const seconds = timeoutMs / 1000;
    const sql = f === 'mariadb' ? 'SELECT MASTER_GTID_WAIT(?, ?) AS r' : 'SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?) AS r';
    // the client deadline sits above the server's own, so the server's answer normally decides
    const [row] = await this.conn.query(sql, [gtidSet, seconds], timeoutMs + Math.max(1000, this.timeoutMs));
    const r = Number(row?.r);
    if (r === 0) return { reached: true };
    if (row?.r === null) throw new Error(`the server refused to wait for ${gtidSet} (NULL: bad GTID set or not a replica)`);
    throw new Error(`GTID set ${gtidSet} not executed within ${timeoutMs} ms`);
  }
}
