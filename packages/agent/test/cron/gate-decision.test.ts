import { describe, expect, it } from 'vitest';
import { gateDecision } from '../../src/cron-gate.js';

const lease = (over: Partial<{ node: string; epoch: number; durationMs: number; receivedAtMs: number }> = {}) => ({
  node: 'web001',
  epoch: 5,
  term: 2,
  durationMs: 10_000,
  receivedAtMs: 1_000_000,
  coordinatorId: 'lb1',
  ...over,
});

describe('gateDecision (pure)', () => {
  it('runs inside the lease, at the current epoch, on the lease holder', () => {
    expect(gateDecision('web001', lease(), 5, 1_005_000)).toMatchObject({ run: true, reason: expect.stringMatching(/active at epoch 5, lease valid for 5\.0 s/) });
    expect(gateDecision('web001', lease(), 5, 1_010_000).run).toBe(true); // the last millisecond still counts
  });
  it('refuses one millisecond after the lease ends', () => {
    expect(gateDecision('web001', lease(), 5, 1_010_001)).toMatchObject({ run: false, reason: expect.stringMatching(/expired 0\.0 s ago/) });
  });
  it('refuses an older epoch than the one this agent has seen', () => {
    expect(gateDecision('web001', lease(), 6, 1_001_000).run).toBe(false);
  });
  it('refuses when another node holds the lease, and without any lease', () => {
    expect(gateDecision('web002', lease(), 5, 1_001_000).reason).toMatch(/web002 is not active; the lease at epoch 5 is for web001/);
    expect(gateDecision('web001', undefined, 0, 1).reason).toMatch(/holds no lease/);
  });
  it('refuses a lease received in the future (the clock stepped back)', () => {
    expect(gateDecision('web001', lease({ receivedAtMs: 2_000_000, durationMs: 60_000 }), 5, 1_000_000)).toMatchObject({ run: false, reason: expect.stringMatching(/clock stepped back/) });
  });
});
