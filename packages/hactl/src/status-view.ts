import type { ClusterStatus, LbView } from '@whmcs-ha/shared';
import { table } from './table.js';

/** What `whmcs-hactl status` shows: the leader's status object (DESIGN §11), and every LB coordinator's own load balancer. */
export type HactlStatus = ClusterStatus & { loadBalancers: LbView[] };

const yn = (b: boolean) => (b ? 'yes' : 'no');
const age = (ms: number | null) => (ms === null ? 'never' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export function renderStatus(s: HactlStatus): string {
  const nodes = table(
    ['Node', 'Role', 'State', 'MySQL', 'IO/SQL', 'Lag', 'GTID executed', 'PHP-FPM', 'Files', 'Report age'],
    s.nodes.map((n) => [
      n.name,
      n.role,
      n.healthy ? 'healthy' : `UNHEALTHY: ${n.problem ?? ''}`,
      n.mysql.up ? (n.mysql.readOnly ? 'ro' : n.mysql.semiSync === 'async' ? 'rw ASYNC' : 'rw') : 'down',
      `${n.mysql.ioRunning ? 'on' : 'off'}/${n.mysql.sqlRunning ? 'on' : 'off'}`,
      n.mysql.lagSeconds === null ? '-' : `${n.mysql.lagSeconds} s`,
      n.mysql.gtidExecuted || '-',
      n.phpFpm.up ? 'up' : 'down',
      n.files.syncing ? 'syncing' : n.files.inSync === null ? '-' : n.files.inSync ? 'in sync' : 'DRIFT',
      age(n.lastReportAgeMs),
    ]),
  );
  const coords = table(
    ['Coordinator', 'Role', 'Term', 'Commit index', 'Reachable'],
    s.coordinators.map((c) => [c.id, c.role, c.term === null ? '-' : String(c.term), c.commitIndex === null ? '-' : String(c.commitIndex), yn(c.reachable)]),
  );
  const footer: string[] = [
    `Cluster: ${s.mode}, active ${s.active ?? '(none)'}, epoch ${s.epoch}, leader ${s.leader.id ?? '(none)'} (term ${s.leader.term})` +
      (s.fromLeader === false ? ` [view of follower ${s.answeredBy ?? ''}]` : ''),
  ];
  if (s.operation) footer.push(`In progress: ${s.operation.kind} ${s.operation.from ?? '(none)'} -> ${s.operation.to}, step ${s.operation.step}, epoch ${s.operation.epoch}`);
  for (const n of s.nodes) {
    if (n.mysql.up && !n.mysql.readOnly && n.mysql.semiSync === 'async') {
      footer.push(`Semi-sync on ${n.name} has fallen back to async: automatic failover away from it is held back until its replica catches up`);
    }
  }
  if (s.paused) footer.push(`PAUSED: ${s.pausedReason ?? 'by an operator'} (whmcs-hactl resume)`);
  if (s.maintenance && s.maintenance.length > 0) footer.push(`Maintenance: ${s.maintenance.join(', ')}`);
  if (s.blockedUntil) footer.push(`Automatic failover blocked until ${new Date(s.blockedUntil).toISOString()} (whmcs-hactl ack lifts it)`);
  for (const [node, ex] of Object.entries(s.excluded ?? {})) footer.push(`Kept out: ${node}: ${ex.reason}`);
  for (const lb of s.loadBalancers ?? []) {
    const serving = lb.applied === null ? 'not written yet' : lb.applied.length ? `serving ${lb.applied.join(', ')}` : 'serving no node';
    footer.push(
      lb.lastError
        ? `LB on ${lb.coordinator} (${lb.kind}): NOT UPDATED, ${serving}, wants ${lb.wanted.join(', ') || 'no node'}: ${lb.lastError}`
        : `LB on ${lb.coordinator} (${lb.kind}): ${serving}`,
    );
  }
  if (s.lastDecision) footer.push(`Last decision: ${s.lastDecision.sentence}`);
  return `${nodes}\n${coords}\n${footer.join('\n')}`;
}
