import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { nginxPaths } from '../../deploy/lab/nginx.js';
import { isAlive } from '../../deploy/lab/process.js';
import { run } from '../../deploy/lab/run.js';
import { readState } from '../../deploy/lab/state-file.js';
import { labCli } from './lab-cli.js';
import { testLab } from './lab-client.js';

const EXPECTED_PROCESSES: Record<string, string[]> = {
  web001: ['mariadb', 'php-fpm', 'nginx', 'rsyncd'],
  web002: ['mariadb', 'php-fpm', 'nginx', 'rsyncd'],
  lb1: ['nginx'],
  witness: [],
};

describe('lab: state.json and the hosts', () => {
  it('came up within the 2 minutes the issue allows', () => {
    console.log(`[lab] lab up measured by global setup: ${inject('labUpMs')} ms`);
    expect(inject('labUpMs')).toBeLessThan(120_000);
  });

  it('lists every host with its namespace, address and the live pid of every process it started', async () => {
    const { layout, state } = testLab();
    expect(state.status).toBe('running');
    expect(state.lbUrl).toBe(`http://198.18.${layout.id}.20/`);
    expect(state.hosts.map((h) => [h.name, h.netns, h.address])).toEqual([
      ['web001', `wha${layout.id}-web001`, `198.18.${layout.id}.11`],
      ['web002', `wha${layout.id}-web002`, `198.18.${layout.id}.12`],
      ['lb1', `wha${layout.id}-lb1`, `198.18.${layout.id}.20`],
      ['witness', `wha${layout.id}-witness`, `198.18.${layout.id}.30`],
    ]);
    for (const h of state.hosts) {
      const running = state.haProcesses ? h.processes.filter((p) => !p.name.startsWith('whmcs-ha')) : h.processes;
      expect(running.map((p) => p.name).sort(), h.name).toEqual([...EXPECTED_PROCESSES[h.name]!].sort());
      // each recorded pid is alive and really inside the host's network namespace
      const nsInode = statSync(`/run/netns/${h.netns}`).ino;
      for (const p of h.processes) {
        expect(isAlive(p.pid, p.startTime), `${h.name}/${p.name} pid ${p.pid}`).toBe(true);
        expect(readlinkSync(`/proc/${p.pid}/ns/net`), `${h.name}/${p.name} netns`).toBe(`net:[${nsInode}]`);
      }
      const addr = await run(['ip', '-n', h.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      expect(addr.stdout).toContain(` ${h.address}/24 `);
      // nothing routes out of the lab: no default route in any host
      expect((await run(['ip', '-n', h.netns, 'route', 'show', 'default'])).stdout.trim()).toBe('');
    }
    const bridge = await run(['ip', '-4', '-o', 'addr', 'show', 'dev', layout.bridge]);
    expect(bridge.stdout).toContain(` ${layout.rootAddress}/24 `);
  });

  it('`up` again changes nothing and says the lab already runs', async () => {
    const { layout, state } = testLab();
    const again = await labCli(layout, ['up']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already running/);
    const after = readState(layout)!;
    expect(after.hosts.flatMap((h) => h.processes.map((p) => p.pid))).toEqual(state.hosts.flatMap((h) => h.processes.map((p) => p.pid)));
    for (const p of after.hosts.flatMap((h) => h.processes)) expect(isAlive(p.pid, p.startTime)).toBe(true);
    expect((await fetch(new URL('health.php', state.lbUrl))).status).toBe(200);
  });

  it('`status` reports every process alive, web001 writable and both replicas running', async () => {
    const { layout } = testLab();
    const s = await labCli(layout, ['status', '--json']);
    expect(s.code).toBe(0);
    const parsed = JSON.parse(s.stdout) as { running: boolean; dead: string[]; nodes: Array<{ name: string; readOnly: boolean; replication: string }> };
    expect(parsed.running).toBe(true);
    expect(parsed.dead).toEqual([]);
    expect(parsed.nodes).toEqual([
      { name: 'web001', readOnly: false, replication: 'IO Yes, SQL Yes' },
      { name: 'web002', readOnly: true, replication: 'IO Yes, SQL Yes' },
    ]);
  });

  it('lb1 includes the upstream file, with web001 the one server in service', async () => {
    const { layout, state, web001, web002 } = testLab();
    const upstream = readFileSync(nginxPaths(layout, layout.lb).upstreamFile, 'utf8');
    expect(upstream).toMatch(/upstream whmcs_backend \{/);
    // the lab writes web001 alone; once a coordinator owns the file it lists web002 as `down`
    expect(upstream).toContain(`server ${web001.address}:80;`);
    expect(upstream).not.toContain(`server ${web002.address}:80;`);
    if (!state.haProcesses) expect(upstream).not.toContain(web002.address);
    expect(readFileSync(nginxPaths(layout, layout.lb).config, 'utf8')).toContain(`include ${nginxPaths(layout, layout.lb).upstreamFile};`);
  });

  it('keeps the passwords in 0600 files', () => {
    const { state } = testLab();
    for (const f of Object.values(state.mysql.passwordFiles)) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });
});
