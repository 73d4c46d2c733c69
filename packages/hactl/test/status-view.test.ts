import { describe, expect, it } from 'vitest';
import { renderStatus, type HactlStatus } from '../src/status-view.js';

const node = (name: string, role: string, readOnly: boolean, semiSync: 'on' | 'async' | 'off'): HactlStatus['nodes'][number] => ({
  name,
  role,
  healthy: true,
  problem: null,
  lastReportAgeMs: 120,
  mysql: { up: true, readOnly, ioRunning: true, sqlRunning: true, lagSeconds: 0, gtidExecuted: '1-1-10', semiSync, serverId: 1, lastError: '' },
  phpFpm: { up: true, activeProcesses: 1, listenQueue: 0 },
  files: { digest: 'd', inSync: true, syncing: false },
  probe: null,
});

const status = (nodes: HactlStatus['nodes']): HactlStatus => ({
  mode: 'active-passive',
  active: 'web001',
  epoch: 3,
  paused: false,
  pausedReason: null,
  blockedUntil: null,
  maintenance: [],
  serving: [],
  operation: null,
  excluded: {},
  leader: { id: 'lb1', term: 2 },
  fromLeader: true,
  answeredBy: 'lb1',
  coordinators: [{ id: 'lb1', role: 'leader', term: 2, commitIndex: 9, reachable: true }],
  nodes,
  lastDecision: null,
  lb: null,
  failoversTotal: 0,
  lastFailover: null,
  loadBalancers: [],
});

describe('whmcs-hactl status table', () => {
  it("marks an active whose semi-sync fell back to async, and says failover is held back", () => {
    const out = renderStatus(status([node('web001', 'active', false, 'async'), node('web002', 'passive', true, 'on')]));
    expect(out).toMatch(/\| web001 \| active +\| healthy \| rw ASYNC \|/);
    expect(out).toContain('Semi-sync on web001 has fallen back to async: automatic failover away from it is held back until its replica catches up');
  });

  it('shows a normal pair without the warning (a passive reports its own primary side off or async: not news)', () => {
    const out = renderStatus(status([node('web001', 'active', false, 'on'), node('web002', 'passive', true, 'async')]));
    expect(out).toMatch(/\| web001 \| active +\| healthy \| rw +\|/);
    expect(out).not.toContain('ASYNC');
    expect(out).not.toContain('fallen back');
  });
});
