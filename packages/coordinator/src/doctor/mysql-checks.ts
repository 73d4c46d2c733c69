import type { MysqlState } from '@whmcs-ha/shared';
import { fail, groupBy, pass, reported, warn, type CheckResult, type DoctorInput } from './check.js';

type MysqlNode = { name: string; mysql: MysqlState };

/** Nodes whose MySQL answered the agent (a down server is the `agents` check's failure). */
function upNodes(input: DoctorInput): MysqlNode[] {
  return reported(input)
    .filter((n) => n.report.mysql?.up)
    .map((n) => ({ name: n.name, mysql: n.report.mysql! }));
}

/** DESIGN §9: replication settings master-master needs, and replication itself. */
export function mysqlChecks(input: DoctorInput): CheckResult[] {
  return [serverIds(input), binlogSettings(input), autoIncrement(input), replicationBothWays(input), semiSync(input)];
}

/** Two servers with one server_id drop each other's events (a replica skips events "from itself"). */
export function serverIds(input: DoctorInput): CheckResult {
  const title = 'unique server_id';
  const nodes = upNodes(input);
  const zero = nodes.filter((n) => n.mysql.serverId === 0);
  if (zero.length) return fail('server-id', title, `${zero.map((n) => n.name).join(', ')}: server_id 0 (binary logging refuses replicas)`, 'set a distinct non-zero server_id in each node\'s my.cnf [mysqld] and restart MySQL');
  const groups = groupBy(nodes, (n) => String(n.mysql.serverId));
  const dup = [...groups].filter(([, names]) => names.length > 1);
  const all = nodes.map((n) => `${n.name}=${n.mysql.serverId}`).join(', ');
  if (dup.length === 0) return pass('server-id', title, all);
  return fail(
    'server-id',
    title,
    dup.map(([id, names]) => `${names.join(' and ')} share server_id ${id}`).join('; '),
    'give each node its own server_id in my.cnf [mysqld] (SET GLOBAL server_id = N takes effect at once) and restart replication',
  );
}

/** Row-based binlogs, replicated events logged again, and GTIDs: what switchover and failover rely on. */
export function binlogSettings(input: DoctorInput): CheckResult {
  const title = 'binlog_format ROW, log_slave_updates, GTID';
  const problems: string[] = [];
  for (const n of upNodes(input)) {
    const m = n.mysql;
    if (m.binlogFormat.toUpperCase() !== 'ROW') problems.push(`${n.name}: binlog_format=${m.binlogFormat || '(binary log off)'}`);
    if (!m.logSlaveUpdates) problems.push(`${n.name}: log_slave_updates=OFF`);
    if (!m.gtidMode) problems.push(`${n.name}: GTID off`);
  }
  if (problems.length === 0) return pass('binlog', title, upNodes(input).map((n) => n.name).join(', ') + ': ROW, log_slave_updates=ON, GTID on');
  return fail('binlog', title, problems.join('; '), 'in my.cnf [mysqld] set log_bin, binlog_format=ROW, log_slave_updates=ON (MySQL: also gtid_mode=ON, enforce_gtid_consistency=ON) and restart');
}

/** Both nodes may insert (active-active, or the moment of a failover): their auto-increment values must never collide. */
export function autoIncrement(input: DoctorInput): CheckResult {
  const title = 'auto_increment_increment/offset without collisions';
  const nodes = upNodes(input);
  const total = input.nodes.length;
  const problems: string[] = [];
  const incs = new Set(nodes.map((n) => n.mysql.autoIncrementIncrement));
  if (incs.size > 1) problems.push(`auto_increment_increment differs (${nodes.map((n) => `${n.name}=${n.mysql.autoIncrementIncrement}`).join(', ')})`);
  for (const n of nodes) {
    const { autoIncrementIncrement: inc, autoIncrementOffset: off } = n.mysql;
    if (inc < total) problems.push(`${n.name}: auto_increment_increment=${inc} is below the ${total} nodes`);
    if (off < 1 || off > inc) problems.push(`${n.name}: auto_increment_offset=${off} is outside 1..${inc}`);
  }
  const offsets = groupBy(nodes, (n) => String(n.mysql.autoIncrementOffset));
  for (const [off, names] of offsets) if (names.length > 1) problems.push(`${names.join(' and ')} share auto_increment_offset ${off}`);
  const all = nodes.map((n) => `${n.name}=${n.mysql.autoIncrementIncrement}/${n.mysql.autoIncrementOffset}`).join(', ');
  if (problems.length === 0) return pass('auto-increment', title, `increment/offset ${all}`);
  return fail('auto-increment', title, problems.join('; '), `set auto_increment_increment=${Math.max(2, total)} on every node and auto_increment_offset 1, 2, ... (one per node) in my.cnf`);
}

/** Master-master: every node replicates from the other, so either can take over with all the data. */
export function replicationBothWays(input: DoctorInput): CheckResult {
  const title = 'replication running both ways';
  const problems: string[] = [];
  const excused: string[] = [];
  const reportedNodes = reported(input);
  for (const n of reportedNodes) {
    const m = n.report.mysql;
    const r = m?.replica;
    let problem = '';
    if (!m?.up) problem = `${n.name}: MySQL is down`;
    else if (!r?.configured) problem = `${n.name}: no replication configured`;
    else if (!r.ioRunning || !r.sqlRunning) {
      const err = r.lastIoError || r.lastSqlError;
      problem = `${n.name}: IO thread ${r.ioRunning ? 'running' : 'stopped'}, SQL thread ${r.sqlRunning ? 'running' : 'stopped'}${err ? ` (${err.slice(0, 120)})` : ''}`;
    }
    if (!problem) continue;
    // a node under maintenance may have replication stopped on purpose
    if (input.maintenance.includes(n.name)) excused.push(`${problem} (in maintenance)`);
    else problems.push(problem);
  }
  if (problems.length) return fail('replication', title, problems.join('; '), 'on the node named, run START SLAVE (MariaDB) / START REPLICA (MySQL); if it stops again, read SHOW SLAVE STATUS for the error');
  if (excused.length) return warn('replication', title, excused.join('; '), 'start replication again when the maintenance is over (whmcs-hactl maintenance NODE off)');
  return pass('replication', title, reportedNodes.map((n) => `${n.name} <- ${n.report.mysql!.replica!.sourceHost || '?'}`).join(', '));
}

/** With semi-sync an acknowledged commit is on two servers, so a failover loses none (DESIGN §4.5). */
export function semiSync(input: DoctorInput): CheckResult {
  const title = 'semi-sync replication';
  const nodes = upNodes(input);
  const states = nodes.map((n) => ({ name: n.name, s: n.mysql.semiSync }));
  if (!input.semiSync) {
    return warn('semi-sync', title, 'cluster.semiSync is false: a failover may lose the last acknowledged writes', 'enable rpl_semi_sync_master_enabled and rpl_semi_sync_slave_enabled on every node and set cluster.semiSync: true');
  }
  const off = states.filter((x) => !x.s?.primaryEnabled || !x.s.replicaEnabled);
  if (off.length) {
    return fail(
      'semi-sync',
      title,
      off.map((x) => `${x.name}: master ${x.s?.primaryEnabled ? 'on' : 'off'}, slave ${x.s?.replicaEnabled ? 'on' : 'off'}`).join('; '),
      'set rpl_semi_sync_master_enabled=ON and rpl_semi_sync_slave_enabled=ON on every node (either may become active), then restart the replica IO thread',
    );
  }
  const active = states.find((x) => x.name === input.active);
  if (input.mode === 'active-passive' && active && !active.s?.primaryStatus) {
    return warn('semi-sync', title, `${active.name} (active) runs asynchronously: no replica acknowledges its commits`, 'check that the passive node replicates (IO thread running with rpl_semi_sync_slave_enabled=ON)');
  }
  return pass('semi-sync', title, states.map((x) => `${x.name}: master ${x.s!.primaryStatus ? 'active' : 'enabled'}, slave ${x.s!.replicaStatus ? 'active' : 'enabled'}`).join(', '));
}
