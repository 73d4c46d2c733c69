import { describe, expect, it } from 'vitest';
import { run } from '../../deploy/lab/run.js';
import { hactl, labPid, restartDaemon, status, untilStatus, Writer, type StatusJson } from './cluster-client.js';
import { msUntil, sqlValue, testLab } from './lab-client.js';

// The failure the chaos suite found: the active (web001) cut off from its
// peer and the witness while the load balancer still reaches it. A leader on
// web002 or witness cannot reach web001 itself, but clients through lb1 are
// served: the LB's probe is the evidence, so there must be no failover.

const pidOf = (host: string, proc: string) => labPid(testLab().state, host, proc);
const poll = (what: string, check: (s: StatusJson) => boolean, timeoutMs: number, everyMs = 200) => untilStatus(testLab().layout, what, check, timeoutMs, everyMs);

const iptables = (netns: string, args: string[]) => run(['ip', 'netns', 'exec', netns, 'iptables', '-w', ...args], { timeoutMs: 10_000 });

describe('a partial partition of the active', () => {
  it('does not fail over while the LB still reaches the active, even when the leader cannot', async () => {
    const { layout, state, web001 } = testLab();
    await hactl(layout, ['ack']);
    let s = await poll('web001 active and healthy', (x) => x.active === 'web001' && !x.operation && x.nodes.every((n) => n.healthy), 60_000);
    if (s.leader.id === 'lb1') {
      // move the leadership off the LB host: only a leader elsewhere can be cut off from web001 while lb1 is not
      process.kill(pidOf('lb1', 'whmcs-ha-coordinator'), 'SIGKILL');
      s = await poll('a leader other than lb1', (x) => x.leader.id !== null && x.leader.id !== 'lb1', 30_000);
      await restartDaemon(layout, 'lb1', 'whmcs-ha-coordinator');
      s = await poll('lb1 back as a follower', (x) => x.coordinators.every((c) => c.reachable) && x.leader.id !== 'lb1', 30_000);
    }
    const leader = s.leader.id!;
    expect(leader).not.toBe('lb1');
    const epoch = s.epoch;
    const peers = state.hosts.filter((h) => h.name === 'web002' || h.name === 'witness').map((h) => h.address);
    const rules = peers.flatMap((a) => [
      ['INPUT', '-s', a],
      ['OUTPUT', '-d', a],
    ]);
    for (const r of rules) await iptables(web001.netns, ['-A', r[0]!, r[1]!, r[2]!, '-j', 'DROP']);
    try {
      // three failure thresholds and more: time enough for a wrongful failover to happen
      await new Promise((r) => setTimeout(r, 12_000));
      const during = await status(layout);
      expect(during.active).toBe('web001');
      expect(during.epoch).toBe(epoch);
      expect(during.operation).toBeNull();
      const res = await fetch(`${state.lbUrl}health.php`, { headers: { connection: 'close' } });
      expect(res.headers.get('x-whmcs-ha-node')).toBe('web001');
      console.log(`[ha] web001 cut off from web002 and witness for 12 s with ${leader} leading: no failover; last decision: ${(during as unknown as { lastDecision?: { sentence: string } }).lastDecision?.sentence}`);
    } finally {
      for (const r of rules) await iptables(web001.netns, ['-D', r[0]!, r[1]!, r[2]!, '-j', 'DROP']).catch(() => undefined);
    }
    await poll('healthy again', (x) => x.active === 'web001' && x.nodes.every((n) => n.healthy && n.mysql.ioRunning), 60_000);
  });

  it('switches over, losing nothing, when only the LB loses a healthy active; and back by hand', async () => {
    const { layout, state, web001, web002 } = testLab();
    await hactl(layout, ['ack']);
    const s0 = await poll('web001 active and healthy', (x) => x.active === 'web001' && !x.operation && x.nodes.every((n) => n.healthy && n.mysql.ioRunning), 60_000);
    const failoversBefore = (s0 as unknown as { failoversTotal: number }).failoversTotal;
    const lb = state.hosts.find((h) => h.name === 'lb1')!;
    const lbAddress = new URL(state.lbUrl).hostname;
    const tag = `lbp${Date.now().toString(36)}`;
    const w = new Writer(lbAddress, tag);
    await new Promise((r) => setTimeout(r, 1000));
    // lb1 (and its coordinator) lose web001; web001's agent still reports to the witness and web002
    const rules = [
      ['INPUT', '-s', web001.address],
      ['OUTPUT', '-d', web001.address],
    ];
    const t0 = performance.now();
    for (const r of rules) await iptables(lb.netns, ['-A', r[0]!, r[1]!, r[2]!, '-j', 'DROP']);
    let s: StatusJson;
    try {
      s = await poll('web002 active', (x) => x.active === 'web002' && !x.operation, 20_000);
    } finally {
      for (const r of rules) await iptables(lb.netns, ['-D', r[0]!, r[1]!, r[2]!, '-j', 'DROP']).catch(() => undefined);
    }
    const movedMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1000));
    await w.stop();
    const acked = w.acked();
    expect(acked[acked.length - 1]!.node).toBe('web002');
    // a switchover, not a failover: web001 was fenced through its agent, and no write acknowledged is missing
    expect((s as unknown as { failoversTotal: number }).failoversTotal).toBe(failoversBefore);
    const ids = acked.map((r) => r.id);
    const on = async (h: typeof web002) => new Set((await sqlValue(h, `SELECT id FROM whmcs.lab_writes WHERE id LIKE '${tag}-%'`)).split('\n'));
    await msUntil(async () => {
      const have = await on(web002);
      return ids.every((id) => have.has(id));
    }, 5000);
    console.log(`[ha] lb1 cut from a healthy web001: switched over to web002 in ${movedMs.toFixed(0)} ms, write gap ${w.longestGapMs().toFixed(0)} ms, ${acked.length} acknowledged, 0 lost`);
    await poll('web001 a healthy passive again', (x) => x.nodes.every((n) => n.healthy && n.mysql.ioRunning) && x.nodes.find((n) => n.name === 'web001')!.mysql.readOnly, 60_000);
    const back = await hactl(layout, ['switchover', '--to', 'web001', '--yes']);
    expect(back.code, back.stderr + back.stdout).toBe(0);
    await poll('web001 active again', (x) => x.active === 'web001' && !x.operation, 30_000);
  });
});
