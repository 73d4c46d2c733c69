import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clusterStatusSchema, doctorAnswerSchema, historyJsonSchema, type ClusterStatus, type DoctorAnswer, type LbView } from '@whmcs-ha/shared';
import { buildStatus, type RaftView } from '../../src/cluster/status.js';
import { runDoctor, type DoctorInput } from '../../src/doctor/doctor.js';
import type { NodeObservation } from '../../src/engine/node-health.js';
import { runDataDriven } from '../engine/datadriven.js';
import { EngineHarness, healthyReport } from '../engine/engine-harness.js';

const dir = join(import.meta.dirname, '..', 'engine', 'testdata');

/** Paths in `value` that `schema` does not declare: a loose schema accepts them, so this is what shows a field buildStatus writes and the schema forgot. */
function undeclared(schema: z.ZodType, value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [];
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) return undeclared(schema.unwrap() as z.ZodType, value, path);
  if (schema instanceof z.ZodArray) return (value as unknown[]).flatMap((v, i) => undeclared(schema.element as z.ZodType, v, `${path}.${i}`));
  if (schema instanceof z.ZodRecord) return Object.entries(value as object).flatMap(([k, v]) => undeclared(schema.valueType as z.ZodType, v, `${path}.${k}`));
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value as object).flatMap(([k, v]) => (shape[k] ? undeclared(shape[k], v, `${path}.${k}`) : [`${path}.${k}`]));
  }
  return [];
}

const leaderView: RaftView = {
  id: 'c1',
  role: 'leader',
  term: 4,
  commitIndex: 17,
  leaderId: 'c1',
  leaseValid: true,
  peers: [
    { id: 'c2', matchIndex: 17, reachable: true, lastContactMs: 12 },
    { id: 'c3', matchIndex: 9, reachable: false, lastContactMs: null },
  ],
};
const followerView: RaftView = { ...leaderView, id: 'c2', role: 'follower', leaderId: 'c1', leaseValid: false, peers: leaderView.peers.map((p) => ({ ...p, id: p.id === 'c2' ? 'c1' : p.id })) };
const lbViews: Array<LbView | null> = [
  null,
  { coordinator: 'c1', kind: 'nginx', applied: null, wanted: ['web001'], lastError: null, lastApplyMs: null },
  { coordinator: 'c1', kind: 'haproxy', applied: ['web001'], wanted: ['web002'], lastError: 'nginx -t failed', lastApplyMs: 1234 },
];

/** Nodes the scenarios never show: one that never reported, and one whose report lacks MySQL, PHP-FPM and files. */
function oddNodes(now: number): NodeObservation[] {
  const partial = { ...healthyReport('web009', 9), mysql: null, phpFpm: null, files: null };
  return [
    { name: 'web008', report: null, receivedAt: null, probe: { up: false, at: now, error: 'connection refused' } },
    { name: 'web009', report: partial, receivedAt: now, probe: null },
  ];
}

describe('the Control JSON schemas (packages/shared: status.ts, control-json.ts) against what the coordinator writes', () => {
  it('accepts every status buildStatus() writes in every decide() scenario, declares every field, and parses back to the same JSON', () => {
    const seen = new Set<string>();
    let statuses = 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
      const h = new EngineHarness();
      runDataDriven(join(dir, f), (cmds) => {
        const out: string[] = [];
        for (const line of cmds) {
          // one cycle at a time, so that every intermediate state (an operation at each step) is built
          const tick = /^tick(?:\s+ms=(\d+))?(?:\s+n=(\d+))?\s*$/.exec(line.trim());
          const runs = tick ? Array.from({ length: Number(tick[2] ?? 1) }, () => `tick ms=${tick[1] ?? 1000}`) : [line];
          for (const cmd of runs) {
            const lines = h.run([cmd]);
            out.push(...lines);
            const sentence = lines[0] ?? '';
            const n = statuses++;
            const status: ClusterStatus = buildStatus({
              state: h.state,
              raft: n % 2 ? followerView : leaderView,
              nodes: [...(h as unknown as { observations(): NodeObservation[] }).observations(), ...(n % 5 === 0 ? oddNodes(h.now) : [])],
              engine: h.cfg,
              lastDecision: n % 3 ? { at: h.now, sentence, warnings: lines.filter((l) => l.startsWith('  warning: ')), decisions: [] } : null,
              lb: lbViews[n % lbViews.length]!,
              now: h.now,
            });
            const sent = JSON.stringify(status);
            const parsed = clusterStatusSchema.safeParse(JSON.parse(sent));
            expect(parsed.success, `${f} after "${cmd}": ${parsed.error?.message}`).toBe(true);
            expect(undeclared(clusterStatusSchema, status, 'status'), `${f} after "${cmd}"`).toEqual([]);
            // what hactl prints is what the coordinator sent, key for key
            expect(JSON.stringify(parsed.data)).toBe(sent);
            expect(historyJsonSchema.safeParse(JSON.parse(JSON.stringify(h.state.history))).success).toBe(true);
            if (status.operation) seen.add('operation');
            if (Object.keys(status.excluded).length) seen.add('excluded');
            if (status.lastFailover) seen.add('lastFailover');
            if (status.blockedUntil !== null) seen.add('blockedUntil');
            if (status.nodes.some((x) => x.files.inSync === false)) seen.add('drift');
            if (status.nodes.some((x) => x.mysql.semiSync === 'async')) seen.add('async');
            if (status.nodes.some((x) => x.probe && !x.probe.up)) seen.add('probe down');
          }
        }
        return out;
      });
    }
    expect(statuses).toBeGreaterThan(200);
    // the fixtures did reach the nested shapes the schema declares
    expect([...seen].sort()).toEqual(['async', 'blockedUntil', 'drift', 'excluded', 'lastFailover', 'operation', 'probe down']);
  });

  it("accepts the doctor's answer as the Check RPC sends it, every field declared", () => {
    const healthy = (name: string, id: number) => ({ name, report: healthyReport(name, id), reportAgeMs: 100 });
    const inputs: DoctorInput[] = [
      { nodes: [healthy('web001', 1), healthy('web002', 2)], voters: ['lb1', 'web002', 'witness'], mode: 'active-passive', active: 'web001', maintenance: [], semiSync: true, lbAddresses: ['198.18.5.20'] },
      { nodes: [healthy('web001', 1), { name: 'web002', report: null, reportAgeMs: null }], voters: ['lb1'], mode: 'active-active', active: null, maintenance: ['web001'], semiSync: false, lbAddresses: [] },
    ];
    const statuses = new Set<string>();
    for (const i of inputs) {
      const answer: DoctorAnswer = { ...runDoctor(i), answeredBy: 'lb1' };
      const sent = JSON.stringify(answer);
      const parsed = doctorAnswerSchema.safeParse(JSON.parse(sent));
      expect(parsed.success, parsed.error?.message).toBe(true);
      expect(undeclared(doctorAnswerSchema, answer, 'check')).toEqual([]);
      expect(JSON.stringify(parsed.data)).toBe(sent);
      for (const c of answer.checks) statuses.add(c.status);
    }
    expect([...statuses].sort()).toEqual(['fail', 'pass', 'warn']);
  });
});
