import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { claimStatus } from '../../deploy/lab/lab-claim.js';
import { listNetns, linkExists, pidsInNetns } from '../../deploy/lab/netns.js';
import { isAlive } from '../../deploy/lab/process.js';
import { run } from '../../deploy/lab/run.js';
import { readState } from '../../deploy/lab/state-file.js';
import { labCli, testLabDir, upOnFreeId } from './lab-cli.js';


/** Live processes whose command line mentions `needle` (zombies have none: they no longer run). */
function liveProcessesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle) && isAlive(Number(d))) found.push(`${d}: ${cmd}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

describe('lab: down', () => {
  it('stops every process it started and leaves no process, mount, namespace or link behind', async () => {
    // a lab of its own (not the suite's shared one), so taking it down disturbs no other test
    const { layout, up } = await upOnFreeId(inject('labId') + 1, testLabDir('down'), [inject('labId')]);
    const DOWN_LAB_ID = layout.id;
    expect(up.code, up.stderr).toBe(0);
    const state = readState(layout)!;
    const recorded = state.hosts.flatMap((h) => h.processes);
    expect(recorded.length).toBeGreaterThanOrEqual(9);
    // everything inside the namespaces, workers included, not only the recorded masters
    const inside = (await Promise.all(layout.hosts.map((h) => pidsInNetns(h.netns)))).flat();
    expect(inside.length).toBeGreaterThan(recorded.length);
    expect(liveProcessesMentioning(layout.dir).length).toBeGreaterThan(0);

    const brNetfilter = readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1';
    const forwardRules = async () => (await run(['iptables', '-w', '-S', 'FORWARD'], { allowFailure: true }).catch(() => ({ stdout: '' }))).stdout;
    if (brNetfilter) expect(await forwardRules()).toContain(`whmcs-ha-lab-${DOWN_LAB_ID}`);

    const down = await labCli(layout, ['down']);
    console.log(`[lab] lab up (id ${DOWN_LAB_ID}) took ${up.ms} ms, lab down took ${down.ms} ms`);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/stopped \d+ process/);
    expect(down.stderr, 'down needed no SIGKILL and found no stragglers').toBe('');

    for (const pid of inside) expect(isAlive(pid), `pid ${pid} still runs`).toBe(false);
    expect(liveProcessesMentioning(layout.dir)).toEqual([]);
    const ns = await listNetns();
    for (const h of layout.hosts) {
      expect(ns).not.toContain(h.netns);
      expect(await linkExists(h.netns), `veth ${h.netns}`).toBe(false);
    }
    expect(await linkExists(layout.bridge), `bridge ${layout.bridge}`).toBe(false);
    const mounts = (await run(['mount'])).stdout;
    expect(mounts).not.toContain(layout.dir);
    expect(mounts).not.toMatch(new RegExp(`/run/netns/wha${DOWN_LAB_ID}-`));
    expect(readState(layout)).toBeUndefined();
    expect(await forwardRules()).not.toContain(`whmcs-ha-lab-${DOWN_LAB_ID} `);
    expect(claimStatus(layout).kind, 'the lab id is released').toBe('free');

    // and `down` again is harmless
    const again = await labCli(layout, ['down']);
    expect(again.code).toBe(0);
  });
});
