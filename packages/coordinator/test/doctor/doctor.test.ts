import type { Report } from '@whmcs-ha/shared';
import { describe, expect, it } from 'vitest';
import type { DoctorInput } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/doctor.js';
import { healthyReport } from '../engine/engine-harness.js';

const DIGEST = 'a'.repeat(64);

/** A report as a current agent sends it from a correctly set-up node. */
function report(node: string, serverId: number): Report {
  const r = healthyReport(node, serverId);
  return {
    ...r,
    phpFpm: { ...r.phpFpm!, pingPath: '/fpm-ping', statusPath: '/fpm-status', pingOk: true, statusOk: true },
    whmcs: { configDigest: DIGEST, configError: '', sessionHandling: 'database', templatesDir: '/var/www/whmcs/templates_c', templatesExcluded: true },
  };
}

function input(edit: (r: Record<string, Report>, i: DoctorInput) => void = () => {}): DoctorInput {
  const reports = { web001: report('web001', 1), web002: report('web002', 2) };
  const i: DoctorInput = {
    nodes: [],
    voters: ['lb1', 'web002', 'witness'],
    mode: 'active-passive',
    active: 'web001',
    maintenance: [],
    semiSync: true,
    lbAddresses: ['198.18.5.20'],
  };
  edit(reports, i);
  i.nodes = Object.values(reports).map((r) => ({ name: r.node, report: r, reportAgeMs: 100 }));
  return i;
}

const verdicts = (i: DoctorInput) => Object.fromEntries(runDoctor(i).checks.map((c) => [c.id, c.status]));
const check = (i: DoctorInput, id: string) => runDoctor(i).checks.find((c) => c.id === id)!;

describe('whmcs-hactl check (doctor)', () => {
  it('passes every check of a correct cluster, with the Trusted Proxies reminder as the only warning', () => {
    const r = runDoctor(input());
    expect(r.ok).toBe(true);
    expect(r.counts).toEqual({ pass: r.checks.length - 1, warn: 1, fail: 0 });
    expect(r.checks.map((c) => c.id)).toEqual([
      'agents', 'voters', 'install-path', 'config-identical', 'session-handling', 'templates-excluded', 'trusted-proxies',
      'server-id', 'binlog', 'auto-increment', 'replication', 'semi-sync', 'php-fpm-paths',
    ]);
    expect(check(input(), 'trusted-proxies').fix).toContain('198.18.5.20');
    // every verdict other than pass carries a one-line fix
    for (const c of r.checks) if (c.status !== 'pass') expect(c.fix).toMatch(/^[^\n]+$/);
  });

  // each way to break the cluster fails exactly the check that names it
  const cases: Array<[string, string, (r: Record<string, Report>, i: DoctorInput) => void, RegExp]> = [
    ['duplicate server_id', 'server-id', (r) => (r.web002!.mysql!.serverId = 1), /web001 and web002 share server_id 1/],
    ['a different install path', 'install-path', (r) => (r.web002!.installPath = '/srv/whmcs'), /\/srv\/whmcs/],
    ['configuration.php differing', 'config-identical', (r) => (r.web002!.whmcs!.configDigest = 'b'.repeat(64)), /differs: web001: aaaaaaaaaaaa; web002: bbbbbbbbbbbb/],
    ['session handling in files', 'session-handling', (r) => { r.web001!.whmcs!.sessionHandling = ''; r.web002!.whmcs!.sessionHandling = ''; }, /web001: not set/],
    ['templates_c synced', 'templates-excluded', (r) => (r.web002!.whmcs!.templatesExcluded = false), /web002: \/var\/www\/whmcs\/templates_c is synced/],
    ['replication one way', 'replication', (r) => (r.web001!.mysql!.replica!.ioRunning = false), /web001: IO thread stopped, SQL thread running/],
    ['no replication configured', 'replication', (r) => (r.web002!.mysql!.replica = null), /web002: no replication configured/],
    ['status path unset', 'php-fpm-paths', (r) => { r.web002!.phpFpm!.statusOk = false; r.web002!.phpFpm!.error = 'status /fpm-status answered 404'; }, /web002: status \/fpm-status fails \(status \/fpm-status answered 404\)/],
    ['ping path unset', 'php-fpm-paths', (r) => { r.web001!.phpFpm!.pingOk = false; r.web001!.phpFpm!.up = false; }, /web001: ping \/fpm-ping fails/],
    ['statement binlogs', 'binlog', (r) => (r.web002!.mysql!.binlogFormat = 'STATEMENT'), /web002: binlog_format=STATEMENT/],
    ['log_slave_updates off', 'binlog', (r) => (r.web001!.mysql!.logSlaveUpdates = false), /web001: log_slave_updates=OFF/],
    ['colliding offsets', 'auto-increment', (r) => (r.web002!.mysql!.autoIncrementOffset = 1), /share auto_increment_offset 1/],
    ['increment below node count', 'auto-increment', (r) => { r.web001!.mysql!.autoIncrementIncrement = 1; r.web002!.mysql!.autoIncrementIncrement = 1; r.web002!.mysql!.autoIncrementOffset = 1; }, /below the 2 nodes/],
    ['semi-sync disabled', 'semi-sync', (r) => (r.web002!.mysql!.semiSync!.replicaEnabled = false), /web002: master on, slave off/],
    ['even voters', 'voters', (_r, i) => (i.voters = ['lb1', 'witness']), /2 voters/],
  ];
  for (const [what, id, edit, detail] of cases) {
    it(`fails ${id} on ${what}, and only it`, () => {
      const i = input(edit);
      const v = verdicts(i);
      expect(v[id]).toBe('fail');
      expect(check(i, id).detail).toMatch(detail);
      const others = Object.entries(v).filter(([k, s]) => k !== id && s === 'fail' && !(id === 'php-fpm-paths' && k === 'agents'));
      expect(others).toEqual([]);
      expect(runDoctor(i).ok).toBe(false);
    });
  }

  it('fails the agents check for a node without a report and judges the rest on those that report', () => {
    const i = input();
    i.nodes[1] = { name: 'web002', report: null, reportAgeMs: null };
    const v = verdicts(i);
    expect(v.agents).toBe('fail');
    expect(check(i, 'agents').detail).toBe('web002: no report received by this coordinator');
    expect(v['server-id']).toBe('pass');
  });

  it('warns, not fails, when a node in maintenance has replication stopped', () => {
    const i = input((r, i) => {
      r.web002!.mysql!.replica!.sqlRunning = false;
      i.maintenance = ['web002'];
    });
    expect(verdicts(i).replication).toBe('warn');
  });

  it('warns when the active runs semi-sync asynchronously, and when semi-sync is off by config', () => {
    expect(verdicts(input((r) => (r.web001!.mysql!.semiSync!.primaryStatus = false)))['semi-sync']).toBe('warn');
    expect(verdicts(input((_r, i) => (i.semiSync = false)))['semi-sync']).toBe('warn');
  });

  it('fails configuration checks when the agent cannot read configuration.php', () => {
    const i = input((r) => (r.web002!.whmcs = { configDigest: '', configError: 'cannot read configuration.php: ENOENT', sessionHandling: '', templatesDir: '', templatesExcluded: false }));
    expect(verdicts(i)['config-identical']).toBe('fail');
    expect(check(i, 'config-identical').detail).toContain('ENOENT');
  });
});
