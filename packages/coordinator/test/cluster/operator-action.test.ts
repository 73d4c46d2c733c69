import { describe, expect, it } from 'vitest';
import { InputError } from '@whmcs-ha/shared';
import { planOperatorAction, type OperateRequest } from '../../src/cluster/operator-action.js';
import { applyEntry, initialState } from '../../src/engine/cluster-state.js';
import type { EngineConfig, NodeObservation } from '../../src/engine/node-health.js';
import { healthyReport, testEngineConfig } from '../engine/engine-harness.js';

const cfg: EngineConfig = testEngineConfig();
const now = 10_000;
const state = applyEntry(initialState(), { type: 'init', at: 0, mode: 'active-passive', active: 'web001', serving: ['web001'] }, { blockSeconds: 300 });

function nodes(mut: (name: string, r: ReturnType<typeof healthyReport>) => void = () => undefined): NodeObservation[] {
  return ['web001', 'web002'].map((name, i) => {
    const r = healthyReport(name, i + 1);
    if (name === 'web001') r.mysql!.readOnly = false;
    mut(name, r);
    return { name, report: r, receivedAt: now - 100, probe: null };
  });
}
const req = (r: Partial<OperateRequest>): OperateRequest => ({ action: 'switchover', node: '', force: false, on: false, reason: '', ...r });

describe('planOperatorAction', () => {
  it('starts a switchover to the best candidate at the next epoch', () => {
    const p = planOperatorAction(req({}), state, nodes(), cfg, now, 'op');
    expect(p.ok && p.message).toBe('switchover from web001 to web002 started at epoch 2');
    expect(p.ok && p.entries[0]).toMatchObject({ type: 'op-begin', kind: 'switchover', from: 'web001', to: 'web002', automatic: false });
  });

  it('refuses a switchover into a lagging node, and --force overrides with a warning', () => {
    const lagging = nodes((n, r) => {
      if (n === 'web002') r.mysql!.replica!.secondsBehind = 40;
    });
    const refused = planOperatorAction(req({ node: 'web002' }), state, lagging, cfg, now, 'op');
    expect(refused).toEqual({ ok: false, message: 'web002 cannot take over: it lags 40s (max 5s) (--force overrides)' });
    const forced = planOperatorAction(req({ node: 'web002', force: true }), state, lagging, cfg, now, 'op');
    expect(forced.ok && forced.warning).toBe('forced onto web002 although it lags 40s (max 5s)');
  });

  it('refuses a failover away from a healthy active unless forced', () => {
    expect(planOperatorAction(req({ action: 'failover' }), state, nodes(), cfg, now, 'op')).toEqual({
      ok: false,
      message: 'web001 is healthy: use switchover (no writes lost), or failover --force',
    });
  });

  it('refuses maintenance on the active when nobody can take over', () => {
    const broken = nodes((n, r) => {
      if (n === 'web002') r.phpFpm!.up = false;
    });
    const p = planOperatorAction(req({ action: 'maintenance', node: 'web001', on: true }), state, broken, cfg, now, 'op');
    expect(p.ok).toBe(false);
    expect(!p.ok && p.message).toMatch(/web001 is the active and no node can take over \(web002: PHP-FPM is down\)/);
  });

  it('names the field for an unknown node', () => {
    expect(() => planOperatorAction(req({ action: 'maintenance', node: 'web009', on: true }), state, nodes(), cfg, now, 'op')).toThrow(InputError);
    expect(() => planOperatorAction(req({ action: 'maintenance', node: 'web009', on: true }), state, nodes(), cfg, now, 'op')).toThrow(
      /node: unknown node "web009" \(known: web001, web002\)/,
    );
  });

  it('orders a sync of every other node from the active', () => {
    const p = planOperatorAction(req({ action: 'sync' }), state, nodes(), cfg, now, 'op');
    expect(p.ok && p.entries.map((e) => e.type === 'sync-order' && [e.target, e.source])).toEqual([['web002', 'web001']]);
  });
});
