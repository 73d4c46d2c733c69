import { describe, expect, it } from 'vitest';
import { availability, faultOutcomes, judgeFailovers, lostWrites, splitBrainWindows, type Row } from '../chaos/checker.js';
import type { HistoryEvent } from '../chaos/cluster.js';
import type { Fault, FaultKind } from '../chaos/nemesis.js';
import { runChaos } from '../chaos/run.js';
import type { WriteRecord } from '../chaos/workload.js';

// A short, bounded Jepsen-style run in CI (`pnpm chaos --minutes 30` is the long one, on demand):
// its own lab (id 7, not the suite's), a fixed seed so a failure replays with
// `pnpm chaos --minutes 3 --seed 13 --lab-id 7`.
const SEED = 13;

describe('chaos (seeded faults under a write workload)', () => {
  it('loses no acknowledged write, has no split brain and no wrongful failover', { timeout: 20 * 60_000 }, async () => {
    const out = await runChaos({ labId: 7, minutes: 3, seed: SEED, log: (l) => console.log(`[chaos] ${l}`) });
    console.log(out.summary);
    const r = out.report.result;
    expect(out.report.faults.length).toBeGreaterThanOrEqual(3);
    expect(r.writes.acknowledged).toBeGreaterThan(100);
    expect(r.lost).toEqual(Object.fromEntries(Object.keys(r.lost).map((n) => [n, { count: 0, sample: [] }])));
    expect(Object.keys(r.lost).sort()).toEqual(['web001', 'web002']);
    // and none missing on the active while a node was kept out (the new active served without them)
    expect(r.lostAtFailover.filter((x) => x.count > 0)).toEqual([]);
    expect(r.splitBrain).toEqual([]);
    expect(r.failovers.filter((f) => f.wrongful)).toEqual([]);
    // A node isolated while it was the active can come back with a transaction it committed that no one
    // acknowledged (its client's answer was cut off too); keeping it out until an operator repairs it is
    // the designed outcome (DESIGN §6, rejoin). Whether that cost acknowledged writes is `lost` above;
    // anything else that did not settle is a finding.
    expect(r.stuck.filter((s) => !s.problem.startsWith('kept out:'))).toEqual([]);
  });

  // The partial partition of the active (cut from the passive and the witness, not from lb1) is not in
  // this seed's first faults; docs/chaos.md has its run: `pnpm chaos --minutes 4 --seed 5 --kinds
  // partial-active-from-peer-and-witness,partition-lb-from-active,one-way-active-to-lb-dropped`.
});

// The checker's definitions on hand-made histories (pure; the run above shows it on the real thing).
describe('chaos checker', () => {
  const w = (id: string, node: string, sentAt: number, ackAt: number, status = 201): WriteRecord => ({ id, client: 0, sentAt, ackAt, status, node, serverId: node === 'web001' ? 1 : 2 });
  const row = (id: string, node: string, createdAt: number): Row => ({ id, node, serverId: node === 'web001' ? 1 : 2, createdAt });
  const ev = (at: number, kind: string, text = ''): HistoryEvent => ({ at, kind, text, epoch: 1 });
  const fault = (n: number, kind: FaultKind, impairs: boolean, injectedAt: number, healedAt: number): Fault => ({
    n, kind, host: 'web001', description: '', activeAtInjection: 'web001', leaderAtInjection: 'lb1', impairsActive: impairs,
    injectedAt, healedAt, settledAt: healedAt + 1000, stuck: null, operatorActions: [], lostOnActive: null,
  });

  it('counts an acknowledged write missing on either node as lost, and ignores failed writes', () => {
    const recs = [w('a', 'web001', 0, 1), w('b', 'web001', 2, 3), w('c', 'web001', 4, 5, 0)];
    const lost = lostWrites(recs, { web001: [row('a', 'web001', 1), row('b', 'web001', 3)], web002: [row('a', 'web001', 1)] });
    expect(lost).toEqual({ web001: { count: 0, sample: [] }, web002: { count: 1, sample: ['b'] } });
  });

  it('finds a node taking writes between two runs of the other without two writer changes, but not a real failover and back', () => {
    const recs = ['1', '2', '3', '4', '5'].map((id) => w(id, id === '3' ? 'web002' : 'web001', 0, 1));
    const rows = [row('1', 'web001', 10), row('2', 'web001', 20), row('3', 'web002', 30), row('4', 'web001', 40), row('5', 'web001', 50)];
    expect(splitBrainWindows(recs, rows, [])).toEqual([{ node: 'web002', between: 'web001', from: 30, to: 30, writes: 1, writerChangesBetween: 0 }]);
    // two failovers whose begin..done overlap the gap (the new writer's first write precedes its done event)
    const fo = (b: number, d: number) => [ev(b, 'failover-begin'), ev(d, 'failover-done')];
    expect(splitBrainWindows(recs, rows, [...fo(22, 31), ...fo(33, 45)])).toEqual([]);
    expect(splitBrainWindows(recs, rows, fo(22, 31))).toHaveLength(1);
    expect(splitBrainWindows(recs, rows, [...fo(1, 5), ...fo(22, 31)])).toHaveLength(1);
  });

  it('judges a failover wrongful unless an impairing fault on the node it left was in effect shortly before', () => {
    const text = 'failover from web001 to web002 began at epoch 2: x';
    const faults = [fault(1, 'kill-agent-active', false, 1000, 9000), fault(2, 'kill-mysqld-active', true, 20_000, 30_000)];
    const j = judgeFailovers([ev(5000, 'failover-begin', text), ev(24_000, 'failover-begin', text), ev(36_000, 'failover-begin', text), ev(45_000, 'failover-begin', text)], faults, 3000, 5000);
    expect(j.map((x) => [x.wrongful, x.justifiedBy])).toEqual([[true, null], [false, 2], [false, 2], [true, null]]);
  });

  it('measures availability by seconds with an acknowledgement and RTO from injection to the end of the longest gap', () => {
    const recs = [w('a', 'web001', 0, 500), w('b', 'web001', 600, 1500), w('c', 'web002', 1600, 4700), w('d', 'web002', 4800, 5200)];
    expect(availability(recs, 0, 6000).unavailableSeconds).toBe(2); // seconds 2 and 3 have no acknowledgement
    const [o] = faultOutcomes(recs, [fault(1, 'kill-mysqld-active', true, 1600, 3000)], [ev(2500, 'failover-begin')], 6000);
    expect(o).toMatchObject({ outageMs: 3100, rtoMs: 3100, failover: true });
  });
});
