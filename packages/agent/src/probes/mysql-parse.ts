import type { MysqlState, ReplicaState, SemiSyncState } from '@whmcs-ha/shared';

/**
 * Pure parsing of what a MySQL or MariaDB server answers, so the probe's
 * interpretation of MySQL 8.0/8.4 result sets is tested from recorded rows
 * (only MariaDB runs live here). Column and variable names changed across
 * versions (Slave_ -> Replica_, Master -> Source, log_slave_updates ->
 * log_replica_updates, semi-sync master/slave -> source/replica), so every
 * field is looked up under each of its names.
 */

export type Row = Record<string, unknown>;

/** Rows of `SHOW GLOBAL VARIABLES` / `SHOW GLOBAL STATUS` as a lowercase-keyed map. */
export function nameValueMap(rows: Row[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) {
    const name = r.Variable_name ?? r.variable_name;
    const value = r.Value ?? r.value;
    if (typeof name === 'string') m.set(name.toLowerCase(), value === null || value === undefined ? '' : String(value));
  }
  return m;
}

function pick(m: Map<string, string>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = m.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

function onOff(v: string | undefined): boolean {
  if (v === undefined) return false;
  const s = v.trim().toUpperCase();
  return s === 'ON' || s === '1' || s === 'YES' || s === 'TRUE';
}

function int(v: unknown, dflt = 0): number {
  if (v === null || v === undefined || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

function col(row: Row, ...names: string[]): unknown {
  for (const n of names) if (n in row) return row[n];
  return undefined;
}

/** GTID sets come with newlines after commas from MySQL; normalise to one line. */
export function normaliseGtidSet(s: string | undefined): string {
  return (s ?? '').replace(/\s+/g, '');
}

export function flavourOf(variables: Map<string, string>): 'mariadb' | 'mysql' {
  const version = pick(variables, 'version') ?? '';
  const comment = pick(variables, 'version_comment') ?? '';
  return /mariadb/i.test(version) || /mariadb/i.test(comment) ? 'mariadb' : 'mysql';
}

export function parseReplica(rows: Row[]): ReplicaState | null {
  const r = rows[0];
  if (!r) return null;
  const sbm = col(r, 'Seconds_Behind_Source', 'Seconds_Behind_Master');
  return {
    configured: true,
    ioRunning: String(col(r, 'Replica_IO_Running', 'Slave_IO_Running') ?? '') === 'Yes',
    sqlRunning: String(col(r, 'Replica_SQL_Running', 'Slave_SQL_Running') ?? '') === 'Yes',
    secondsBehind: sbm === null || sbm === undefined || sbm === '' ? -1 : int(sbm, -1),
    lastIoErrno: int(col(r, 'Last_IO_Errno')),
    lastIoError: String(col(r, 'Last_IO_Error') ?? ''),
    lastSqlErrno: int(col(r, 'Last_SQL_Errno')),
    lastSqlError: String(col(r, 'Last_SQL_Error') ?? ''),
    sourceHost: String(col(r, 'Source_Host', 'Master_Host') ?? ''),
    sourcePort: int(col(r, 'Source_Port', 'Master_Port')),
    ioState: String(col(r, 'Replica_IO_State', 'Slave_IO_State') ?? ''),
  };
}

export function parseSemiSync(variables: Map<string, string>, status: Map<string, string>): SemiSyncState | null {
  const primaryEnabled = pick(variables, 'rpl_semi_sync_source_enabled', 'rpl_semi_sync_master_enabled');
  const replicaEnabled = pick(variables, 'rpl_semi_sync_replica_enabled', 'rpl_semi_sync_slave_enabled');
  // neither variable: the semi-sync plugin is not loaded (MySQL) -> no semi-sync at all
  if (primaryEnabled === undefined && replicaEnabled === undefined) return null;
  return {
    primaryEnabled: onOff(primaryEnabled),
    replicaEnabled: onOff(replicaEnabled),
    primaryStatus: onOff(pick(status, 'rpl_semi_sync_source_status', 'rpl_semi_sync_master_status')),
    replicaStatus: onOff(pick(status, 'rpl_semi_sync_replica_status', 'rpl_semi_sync_slave_status')),
    primaryClients: int(pick(status, 'rpl_semi_sync_source_clients', 'rpl_semi_sync_master_clients')),
  };
}

export interface RawServerState {
  variables: Row[];
  status: Row[];
  /** rows of SHOW REPLICA STATUS (or SHOW SLAVE STATUS); empty when not a replica */
  replica: Row[];
  latencyMs: number;
}

/** Builds the reported state from what the server answered. */
export function parseMysqlState(raw: RawServerState): MysqlState {
  const v = nameValueMap(raw.variables);
  const s = nameValueMap(raw.status);
  const flavour = flavourOf(v);
  const replica = parseReplica(raw.replica);
  const r0 = raw.replica[0];
  let gtidExecuted: string;
  let gtidRetrieved: string;
  let gtidMode: boolean;
  if (flavour === 'mariadb') {
    // MariaDB always writes GTIDs; gtid_current_pos holds local and replicated
    // transactions. What the IO thread received is Gtid_IO_Pos (falls back to
    // gtid_slave_pos, what the SQL thread applied, when not a replica).
    gtidMode = true;
    gtidExecuted = normaliseGtidSet(pick(v, 'gtid_current_pos'));
    gtidRetrieved = normaliseGtidSet(
      (r0 ? (col(r0, 'Gtid_IO_Pos') as string | undefined) : undefined) ?? pick(v, 'gtid_slave_pos'),
    );
  } else {
    gtidMode = (pick(v, 'gtid_mode') ?? '').toUpperCase() === 'ON';
    gtidExecuted = normaliseGtidSet(pick(v, 'gtid_executed'));
    gtidRetrieved = normaliseGtidSet(r0 ? (col(r0, 'Retrieved_Gtid_Set') as string | undefined) : '');
  }
  return {
    up: true,
    latencyMs: raw.latencyMs,
    error: '',
    readOnly: onOff(pick(v, 'read_only')),
    superReadOnly: onOff(pick(v, 'super_read_only')),
    serverId: int(pick(v, 'server_id')),
    flavour,
    version: pick(v, 'version') ?? '',
    gtidExecuted,
    gtidRetrieved,
    replica,
    semiSync: parseSemiSync(v, s),
    binlogFormat: pick(v, 'binlog_format') ?? '',
    logSlaveUpdates: onOff(pick(v, 'log_replica_updates', 'log_slave_updates')),
    autoIncrementIncrement: int(pick(v, 'auto_increment_increment'), 1),
    autoIncrementOffset: int(pick(v, 'auto_increment_offset'), 1),
    gtidMode,
  };
}

/** The variables the probe asks for, under all their names. */
export const PROBE_VARIABLES = [
  'version',
  'version_comment',
  'server_id',
  'read_only',
  'super_read_only',
  'gtid_mode',
  'gtid_executed',
  'gtid_current_pos',
  'gtid_slave_pos',
  'binlog_format',
  'log_slave_updates',
  'log_replica_updates',
  'auto_increment_increment',
  'auto_increment_offset',
  'rpl_semi_sync_master_enabled',
  'rpl_semi_sync_slave_enabled',
  'rpl_semi_sync_source_enabled',
  'rpl_semi_sync_replica_enabled',
];

export function downState(error: string, latencyMs: number): MysqlState {
  return {
    up: false,
    latencyMs,
    error,
    readOnly: false,
    superReadOnly: false,
    serverId: 0,
    flavour: '',
    version: '',
    gtidExecuted: '',
    gtidRetrieved: '',
    replica: null,
    semiSync: null,
    binlogFormat: '',
    logSlaveUpdates: false,
    autoIncrementIncrement: 0,
    autoIncrementOffset: 0,
    gtidMode: false,
  };
}
