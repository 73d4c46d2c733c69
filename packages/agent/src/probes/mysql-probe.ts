import { performance } from 'node:perf_hooks';
import type { MysqlState } from '@whmcs-ha/shared';
import { errorText, MysqlConnection, type MysqlTarget, type Row } from '../mysql-connection.js';
import { downState, parseMysqlState, PROBE_VARIABLES } from './mysql-parse.js';

/**
 * Probes the local MySQL/MariaDB: one persistent connection, reopened after
 * any failure. The whole probe is bounded by `timeoutMs`: a paused server is
 * reported down, never waited for.
 */
export class MysqlProbe {
  private readonly conn: MysqlConnection;
  /** null until known: SHOW REPLICA STATUS exists on MariaDB 10.5.1+ and MySQL 8.0.22+ */
  private replicaStatusSql: string | null = null;

  constructor(
    target: MysqlTarget,
    private readonly timeoutMs: number,
  ) {
    this.conn = new MysqlConnection(target);
  }

  async probe(): Promise<MysqlState> {
    const start = performance.now();
    const left = () => Math.max(1, this.timeoutMs - (performance.now() - start));
    try {
      const placeholders = PROBE_VARIABLES.map(() => '?').join(',');
      const variables = await this.conn.query(
        `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${placeholders})`,
        PROBE_VARIABLES,
        left(),
      );
      const status = await this.conn.query(`SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync%'`, [], left());
      const replica = await this.replicaStatus(left);
      const latencyMs = performance.now() - start;
      return parseMysqlState({ variables, status, replica, latencyMs });
    } catch (e) {
      return downState(errorText(e), performance.now() - start);
    }
  }

  private async replicaStatus(left: () => number): Promise<Row[]> {
    if (this.replicaStatusSql) return this.conn.query(this.replicaStatusSql, [], left());
    try {
      const rows = await this.conn.query('SHOW REPLICA STATUS', [], left());
      this.replicaStatusSql = 'SHOW REPLICA STATUS';
      return rows;
    } catch (e) {
      // 1064 = parse error: an older server that only knows SHOW SLAVE STATUS
      if ((e as { errno?: number }).errno !== 1064) throw e;
      this.replicaStatusSql = 'SHOW SLAVE STATUS';
      return this.conn.query(this.replicaStatusSql, [], left());
    }
  }

  close(): void {
    this.conn.destroy();
  }
}
