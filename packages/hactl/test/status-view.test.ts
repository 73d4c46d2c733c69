import { describe, expect, it } from 'vitest';
import { renderStatus, type HactlStatus } from '../src/status-view.js';
import { clusterStatus, nodeStatus } from './support/status-fixture.js';

const node = (name: string, role: string, readOnly: boolean, semiSync: 'on' | 'async' | 'off'): HactlStatus['nodes'][number] => {
  const n = nodeStatus(name, role, readOnly, { files: { digest: 'd', inSync: true, syncing: false }, probe: null });
  return { ...n, mysql: { ...n.mysql, semiSync } };
};

const status = (nodes: HactlStatus['nodes']): HactlStatus => ({ ...clusterStatus(nodes), loadBalancers: [] });

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
