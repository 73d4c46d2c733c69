import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/cluster/coordinator.js';
import { freePort, startTrio, until } from './coordinator-trio.js';

/** Scrapes GET /metrics and returns `name{labels}` -> value (without the default coordinator label). */
async function scrape(port: number): Promise<{ text: string; values: Map<string, number>; contentType: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '').replace(/,?coordinator="c1"/, '').replace(/^\{,?/, '{').replace(/^\{\}$/, '');
    values.set(`${m[1]}${labels}`, Number(m[3]));
  }
  return { text, values, contentType: res.headers.get('content-type') ?? '' };
}

describe('coordinator /metrics against running coordinators', () => {
  let trio: Awaited<ReturnType<typeof startTrio>>;
  let c1: Coordinator;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    trio = await startTrio({ metrics: { listen: `127.0.0.1:${port}` } });
    c1 = trio.coordinators[0]!;
    await until('a leader', () => trio.coordinators.find((c) => c.raftStatus().role === 'leader'));
    await until('c1 knows a committed entry', () => c1.raftStatus().commitIndex >= 1);
  });
  afterAll(async () => {
    await trio.stop();
  });

  it('serves the Raft role, term and commit index as this coordinator sees them', async () => {
    // compare with a raft view that did not change across the scrape
    let raft = c1.raftStatus();
    let got = await scrape(port);
    for (let i = 0; i < 20; i++) {
      const after = c1.raftStatus();
      if (after.role === raft.role && after.term === raft.term) break;
      raft = after;
      got = await scrape(port);
    }
    const { values, contentType, text } = got;
    expect(contentType).toContain('text/plain');
    expect(text).toContain('coordinator="c1"');
    expect(values.get(`whmcs_ha_raft_role{role="${raft.role}"}`)).toBe(1);
    const others = ['leader', 'follower', 'candidate', 'pre-candidate'].filter((r) => r !== raft.role);
    for (const r of others) expect(values.get(`whmcs_ha_raft_role{role="${r}"}`)).toBe(0);
    expect(values.get('whmcs_ha_raft_term')).toBeGreaterThanOrEqual(1);
    expect(values.get('whmcs_ha_raft_term')).toBe(raft.term);
    expect(values.get('whmcs_ha_raft_commit_index')).toBeGreaterThanOrEqual(1);
  });

  it('serves epoch, failovers, per-node health and report age, and the LB apply histogram', async () => {
    const { values, text } = await scrape(port);
    expect(values.get('whmcs_ha_epoch')).toBe(c1.status().epoch);
    expect(values.get('whmcs_ha_failovers_total')).toBe(0);
    expect(values.get('whmcs_ha_paused')).toBe(0);
    // no agent reports here: both nodes unhealthy, with no report age at all
    expect(values.get('whmcs_ha_node_healthy{node="web001"}')).toBe(0);
    expect(values.get('whmcs_ha_node_healthy{node="web002"}')).toBe(0);
    expect(text).not.toContain('whmcs_ha_node_report_age_seconds{');
    expect(text).toContain('# TYPE whmcs_ha_lb_apply_duration_seconds histogram');
    expect(text).toContain('# TYPE whmcs_ha_last_failover_duration_seconds gauge');
  });

  it('observes LB apply durations in the histogram', async () => {
    // the LB applier calls this hook after each change (lab test: a real nginx apply on lb1)
    c1.http!.metrics!.metrics.observeLbApply(42);
    const after = await scrape(port);
    expect(after.values.get('whmcs_ha_lb_apply_duration_seconds_count')).toBe(1);
    expect(after.values.get('whmcs_ha_lb_apply_duration_seconds_sum')).toBeCloseTo(0.042, 6);
    expect(after.values.get('whmcs_ha_lb_apply_duration_seconds_bucket{le="0.05"}')).toBe(1);
    expect(after.values.get('whmcs_ha_lb_apply_duration_seconds_bucket{le="0.025"}')).toBe(0);
  });

  it('answers 404 off /metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/other`);
    expect(res.status).toBe(404);
    await res.text();
  });
});
