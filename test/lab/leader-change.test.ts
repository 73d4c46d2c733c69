import { describe, expect, it } from 'vitest';
import { hactl, labPid, restartDaemon, status, untilStatus, type StatusJson } from './cluster-client.js';
import { testLab } from './lab-client.js';

// DESIGN §6: every step of a failover is recorded in the Raft log, so a new
// leader finishes a half-done failover exactly once. Here the leader is
// killed right after it committed the failover's intent.

const pidOf = (host: string, proc: string) => labPid(testLab().state, host, proc);
const poll = (what: string, check: (s: StatusJson) => boolean, timeoutMs: number, everyMs = 200) => untilStatus(testLab().layout, what, check, timeoutMs, everyMs);

describe('a new leader finishes a half-done failover', () => {
  it('completes each step exactly once after the leader dies mid-failover', async () => {
    const { layout } = testLab();
    // an earlier test's automatic failover may have left the anti-flapping block on (ack answers 1 when there is none)
    await hactl(layout, ['ack']);
    const start = await poll('web001 active and healthy', (s) => s.active === 'web001' && !s.operation && s.nodes.every((n) => n.healthy), 60_000);
    const oldLeader = start.leader.id!;
    process.kill(pidOf('web001', 'mariadb'), 'SIGKILL');
    // A failover takes well under a second here; with web001's agent frozen once it has reported the
    // crash, the fence step waits out its command timeout, which leaves time to kill the leader mid-way.
    await new Promise((r) => setTimeout(r, 400));
    const agent = pidOf('web001', 'whmcs-ha-agent');
    process.kill(agent, 'SIGSTOP');
    try {
      await failoverWithLeaderKill(oldLeader);
    } finally {
      process.kill(agent, 'SIGCONT');
      // put the lab back for the other tests even when an assertion failed above
      await restartDaemon(layout, 'web001', 'mariadb').catch(() => undefined);
      for (const c of ['lb1', 'witness', 'web002']) await restartDaemon(layout, c, 'whmcs-ha-coordinator').catch(() => undefined);
    }
    await poll('web001 rejoined', (s) => s.nodes.find((n) => n.name === 'web001')?.role === 'passive' && s.nodes.every((n) => n.healthy), 60_000);
    await hactl(layout, ['ack']);
    const back = await hactl(layout, ['switchover', '--to', 'web001', '--yes']);
    expect(back.code, `${back.stderr}\n${(await hactl(layout, ['history', '--limit', '8'])).stdout}`).toBe(0);
  });
});

async function failoverWithLeaderKill(oldLeader: string): Promise<void> {
  const { layout } = testLab();
  const mid = await poll('failover begun', (s) => Boolean(s.operation), 30_000, 50);
  const leaderNow = mid.leader.id ?? oldLeader;
  process.kill(pidOf(leaderNow, 'whmcs-ha-coordinator'), 'SIGKILL');
  const killedAt = performance.now();
  // the dead coordinator comes back (with its log) so the LB coordinator, if it was the one, resumes too
  await new Promise((r) => setTimeout(r, 1500));
  await restartDaemon(layout, leaderNow, 'whmcs-ha-coordinator');
  const done = await poll('failover to web002 finished', (s) => s.active === 'web002' && !s.operation && s.leader.id !== null, 60_000);
  console.log(`[ha] leader ${leaderNow} killed mid-failover (step ${JSON.stringify(mid.operation)}); new leader ${done.leader.id} finished it ${(performance.now() - killedAt).toFixed(0)} ms later`);
  const hist = await hactl(layout, ['history', '--limit', '100', '--json']);
  const all = JSON.parse(hist.stdout) as Array<{ kind: string; text: string }>;
  // this test's failover: from its intent on (earlier tests may have failed over too)
  const begin = all.map((e) => e.kind).lastIndexOf('failover-begin');
  expect(begin).toBeGreaterThanOrEqual(0);
  const events = all.slice(begin);
  const opId = /failover ([0-9a-f-]{36}) step/.exec(events.find((e) => e.kind === 'failover-step')!.text)![1]!;
  const steps = events.filter((e) => e.kind === 'failover-step' && e.text.includes(opId)).map((e) => /step ([a-z-]+):/.exec(e.text)![1]);
  expect(steps).toEqual(['fence', 'catch-up', 'detach', 'promote', 'switch-lb']);
  expect(events.filter((e) => e.kind === 'failover-done')).toHaveLength(1);
}
