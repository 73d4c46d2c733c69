import { describe, expect, it } from 'vitest';
import { applyEntry, initialState, lbTargets, type ClusterState, type Entry } from '../../src/engine/cluster-state.js';
import { ReplicatedState } from '../../src/cluster/replicated-state.js';
import { encodeEntry } from '../../src/engine/cluster-state.js';

const ctx = { blockSeconds: 60 };
const run = (entries: Entry[], from: ClusterState = initialState()) => entries.reduce((s, e) => applyEntry(s, e, ctx), from);
const init: Entry = { type: 'init', at: 0, mode: 'active-passive', active: 'web001', serving: ['web001'] };
const begin: Entry = { type: 'op-begin', at: 10, id: 'op1', kind: 'failover', from: 'web001', to: 'web002', reason: 'test', automatic: true, force: false };
const step = (s: string, at = 20): Extract<Entry, { type: 'op-step-done' }> => ({ type: 'op-step-done', at, id: 'op1', step: s as never });

describe('applyEntry', () => {
  it('moves a failover through its steps exactly once, whoever proposes a step twice', () => {
    const s1 = run([init, begin, step('fence'), step('fence'), step('catch-up')]);
    expect(s1.operation?.step).toBe('detach');
    expect(s1.epoch).toBe(2);
    const done = run([step('detach'), step('promote'), step('switch-lb', 5010), step('switch-lb', 5020)], s1);
    expect(done.operation).toBeNull();
    expect(done.active).toBe('web002');
    expect(done.failoversTotal).toBe(1);
    expect(done.lastFailover).toEqual({ at: 5010, durationMs: 5000, from: 'web001', to: 'web002' });
    expect(done.blockedUntil).toBe(5010 + 60_000);
    expect(done.detached).toEqual(['web001']);
    expect(done.history.filter((h) => h.kind === 'failover-done')).toHaveLength(1);
  });

  it('ignores a second intent while one operation runs, and a step for another operation', () => {
    const s = run([init, begin, { ...begin, id: 'op2', to: 'web003' }, { ...step('fence'), id: 'op2' }]);
    expect(s.operation?.id).toBe('op1');
    expect(s.operation?.step).toBe('fence');
    expect(s.epoch).toBe(2);
  });

  it('sends traffic nowhere until the new active is writable, then only to it', () => {
    let s = run([init]);
    expect(lbTargets(s)).toEqual(['web001']);
    s = run([begin], s);
    expect(lbTargets(s)).toEqual([]);
    s = run([step('fence'), step('catch-up'), step('detach'), step('promote')], s);
    expect(lbTargets(s)).toEqual(['web002']);
  });

  it('gives the role back to the old active when an operation aborts before promote, and pauses on request', () => {
    const s = run([init, begin, step('fence'), { type: 'op-abort', at: 30, id: 'op1', reason: 'catch-up timed out', pause: true }]);
    expect(s.active).toBe('web001');
    expect(s.operation).toBeNull();
    expect(s.paused).toBe(true);
    expect(s.pausedReason).toMatch(/failover to web002 failed: catch-up timed out/);
    expect(lbTargets(s)).toEqual(['web001']);
  });

  it('returns the same object for entries that change nothing, so no listener fires', () => {
    const s = run([init]);
    expect(applyEntry(s, init, ctx)).toBe(s);
    expect(applyEntry(s, { type: 'ack', at: 1, by: 'x' }, ctx)).toBe(s);
    expect(applyEntry(s, { type: 'maintenance', at: 1, node: 'web002', on: false }, ctx)).toBe(s);
  });

  it('keeps the history bounded', () => {
    let s = run([init]);
    for (let i = 0; i < 500; i++) s = run([{ type: 'pause', at: i, on: i % 2 === 0, reason: 'x' }], s);
    expect(s.history.length).toBe(200);
  });
});

describe('ReplicatedState', () => {
  it('restores from its own snapshot to the same state', () => {
    const a = new ReplicatedState(60);
    [init, begin, step('fence')].forEach((e, i) => a.apply({ index: i + 1, term: 1, data: encodeEntry(e) }));
    const b = new ReplicatedState(60);
    b.restore(a.snapshot());
    expect(b.state).toEqual(a.state);
    expect(b.appliedIndex).toBe(3);
  });

  it('skips an entry that is not JSON instead of throwing out of the Raft apply loop', () => {
    const a = new ReplicatedState(60);
    a.apply({ index: 1, term: 1, data: new TextEncoder().encode('{not json') });
    expect(a.state).toEqual(initialState());
    expect(a.appliedIndex).toBe(1);
    a.apply({ index: 2, term: 1, data: new TextEncoder().encode('{"type":"from-the-future","at":1}') });
    expect(a.state).toEqual(initialState());
  });
});
