import { describe, expect, it } from 'vitest';
import { run } from '../../deploy/lab/run.js';
import { hactl, labPid, restartDaemon, status, untilStatus, type StatusJson } from './cluster-client.js';
import { testLab } from './lab-client.js';

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
});
