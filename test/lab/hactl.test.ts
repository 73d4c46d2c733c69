import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEndpoints } from '../../deploy/lab/ha-config.js';
import type { LabLayout } from '../../deploy/lab/layout.js';
import { repoRoot } from '../../deploy/lab/layout.js';
import { sql } from '../../deploy/lab/mariadb.js';
import { readState } from '../../deploy/lab/state-file.js';
import { restartDaemon, runBin, type StatusJson } from './cluster-client.js';
import { downOwnLab, hactl, settled, untilStatus, upOwnLab } from './own-lab.js';

// Every whmcs-hactl command against a lab of this file's own, in text and with --json, with the
// documented exit codes: 0 ok, 1 refused or unhealthy, 2 bad usage or input, 3 no coordinator reachable.
// The cases run in order and leave web001 active.

let layout: LabLayout;
const run = (args: string[], timeoutMs?: number) => hactl(layout, args, timeoutMs);
const json = async <T = Record<string, unknown>>(args: string[], code = 0): Promise<T> => {
  const r = await run([...args, '--json']);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
  return JSON.parse(r.stdout) as T;
};

describe('whmcs-hactl against the lab', () => {
  beforeAll(async () => {
    layout = await upOwnLab('hactl');
    await untilStatus(layout, 'the lab settled', settled);
  });
  afterAll(async () => {
    await downOwnLab(layout);
  });

  it('status: the table and the DESIGN §11 object', async () => {
    const t = await run(['status']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^\| Node +\| Role +\| State +\| MySQL \| IO\/SQL \| Lag +\| GTID executed +\| PHP-FPM \| Files +\| Report age \|$/m);
    expect(t.stdout).toMatch(/^\| web001 \| active +\| healthy \| rw +\| on\/on +\|/m);
    expect(t.stdout).toMatch(/^\| web002 \| passive +\| healthy \| ro +\| on\/on +\|/m);
    expect(t.stdout).toMatch(/^\| lb1 +\| (leader|follower) +\| \d+ +\| \d+ +\| yes +\|$/m);
    expect(t.stdout).toMatch(/^Cluster: active-passive, active web001, epoch \d+, leader (lb1|witness|web002) \(term \d+\)$/m);
    const s = await json<StatusJson & { fromLeader: boolean }>(['status']);
    for (const k of ['mode', 'active', 'epoch', 'paused', 'leader', 'coordinators', 'nodes']) expect(s).toHaveProperty(k);
    expect(s.fromLeader).toBe(true);
    for (const n of s.nodes) {
      expect(Object.keys(n)).toEqual(expect.arrayContaining(['name', 'role', 'healthy', 'lastReportAgeMs', 'mysql', 'phpFpm', 'files']));
      expect(Object.keys(n.mysql)).toEqual(expect.arrayContaining(['up', 'readOnly', 'ioRunning', 'sqlRunning', 'lagSeconds', 'gtidExecuted']));
      expect(Object.keys(n.files)).toEqual(expect.arrayContaining(['digest', 'inSync']));
    }
    for (const c of s.coordinators) expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'role', 'term', 'commitIndex', 'reachable']));
  });

  it('members: the three coordinators, one leader', async () => {
    const t = await run(['members']);
    expect(t.code).toBe(0);
    expect(t.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['lb1', 'web002', 'witness']);
    expect(t.stdout.match(/\tleader\t/g)).toHaveLength(1);
    const j = await json<{ coordinators: Array<{ id: string; reachable: boolean }>; endpoints: Record<string, boolean> }>(['members']);
    expect(j.coordinators.every((c) => c.reachable)).toBe(true);
    expect(Object.values(j.endpoints)).toEqual([true, true, true]);
  });

  it('check: green on the lab, text and --json', async () => {
    const t = await run(['check']);
    expect(t.code, t.stdout).toBe(0);
    expect(t.stdout).toMatch(/^PASS  same install path on every node/m);
    const j = await json<{ ok: boolean; counts: { fail: number } }>(['check']);
    expect(j.ok).toBe(true);
    expect(j.counts.fail).toBe(0);
  });

  it('pause and resume, seen live by watch (text and --json), refused twice in a row', async () => {
    const main = join(repoRoot, 'packages', 'hactl', 'dist', 'main.js');
    const watchers = [[], ['--json']].map((extra) => {
      const p = spawn(process.execPath, [main, '--config', layout.hactlFile, 'watch', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += String(d)));
      return { p, out: () => out };
    });
    await new Promise((r) => setTimeout(r, 1500));
    const paused = await run(['pause', '--yes']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout.trim()).toBe('automation paused');
    expect(await json(['pause', '--yes'], 1)).toEqual({ accepted: false, message: 'automation is already paused' });
    expect((await json<StatusJson>(['status'])).paused).toBe(true);
    expect((await run(['status'])).stdout).toMatch(/PAUSED|paused/);
    expect(await json(['resume'])).toEqual({ accepted: true, message: 'automation resumed' });
    const again = await run(['resume']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('refused: automation is not paused');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !watchers.every((w) => /automation resumed/.test(w.out()))) await new Promise((r) => setTimeout(r, 100));
    for (const w of watchers) w.p.kill('SIGTERM');
    const [text = '', js = ''] = watchers.map((w) => w.out());
    expect(text).toMatch(/^\S+Z  pause +automation paused: requested by operator/m);
    // each event once (watch sends only events after the last one it sent)
    expect(text.match(/automation paused/g)).toHaveLength(1);
    expect(text.match(/automation resumed/g)).toHaveLength(1);
    expect(text).not.toMatch(/cluster initialised/);
    expect(text).toMatch(/^\S+Z  resume +automation resumed$/m);
    const events = js!.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; text: string; at: number });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['pause', 'resume']));
  });

  it('history: text and --json, --limit honoured', async () => {
    const t = await run(['history', '--limit', '3']);
    expect(t.code).toBe(0);
    expect(t.stdout.trim().split('\n')).toHaveLength(3);
    expect(t.stdout).toMatch(/epoch \d+  resume +automation resumed/);
    const j = await json<Array<{ kind: string; epoch: number }>>(['history', '--limit', '50']);
    expect(j[0]!.kind).toBe('init');
    expect(j.map((e) => e.kind)).toEqual(expect.arrayContaining(['init', 'pause', 'resume']));
  });

  it('maintenance on and off for the passive, text and --json', async () => {
    const on = await run(['maintenance', 'web002', 'on', '--yes']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout.trim()).toBe('web002 enters maintenance');
    const s = await untilStatus(layout, 'web002 in maintenance', (x) => x.nodes.find((n) => n.name === 'web002')?.role === 'maintenance');
    expect(s.active).toBe('web001');
    expect(await json(['maintenance', 'web002', 'on', '--yes'], 1)).toEqual({ accepted: false, message: 'web002 is already in maintenance' });
    expect(await json(['maintenance', 'web002', 'off'])).toEqual({ accepted: true, message: 'web002 leaves maintenance' });
    await untilStatus(layout, 'web002 passive again', (x) => x.nodes.find((n) => n.name === 'web002')?.role === 'passive');
  });

  it('sync: orders a file sync of the passive from the active, text and --json', async () => {
    const t = await run(['sync', 'web002']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout.trim()).toBe('sync of web002 from web001 ordered');
    await untilStatus(layout, 'sync done', (x) => x.nodes.every((n) => n.files.inSync === true && !(n.files as { syncing?: boolean }).syncing));
    const j = await json<{ accepted: boolean; message: string }>(['sync']);
    expect(j).toEqual({ accepted: true, message: 'sync of web002 from web001 ordered' });
    await untilStatus(layout, 'sync done', (x) => x.nodes.every((n) => n.files.inSync === true && !(n.files as { syncing?: boolean }).syncing));
    expect((await run(['sync', 'web001'])).stderr.trim()).toBe('refused: web001 is the file source itself');
  });

  it('switchover with progress, then back with --json', async () => {
    const t = await run(['switchover', '--to', 'web002', '--yes'], 120_000);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/^switchover from web001 to web002 started at epoch \d+/m);
    expect(t.stderr).toMatch(/^ {2}switchover web001 -> web002: step \S+ \(\d+\.\d s\)$/m);
    expect(t.stdout).toMatch(/switchover to web002 done at epoch \d+ in \d+ ms/);
    expect((await json<StatusJson>(['status'])).active).toBe('web002');
    const back = await json<{ ok: boolean; active: string; epoch: number; event: string }>(['switchover', '--to', 'web001', '--yes']);
    expect(back.ok).toBe(true);
    expect(back.active).toBe('web001');
    expect(back.event).toMatch(/switchover to web001 done/);
  });

  it('failover: refused while the active is healthy; automatic after kill -9, then ack lifts the block', async () => {
    const refused = await run(['failover', '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe('refused: web001 is healthy: use switchover (no writes lost), or failover --force');
    expect(await json(['ack'], 1)).toEqual({ accepted: false, message: 'there is no anti-flapping block to lift' });
    // an automatic failover sets the anti-flapping block
    const mysqld = readState(layout)!.hosts.find((h) => h.name === 'web001')!.processes.find((p) => p.name === 'mariadb')!;
    process.kill(mysqld.pid, 'SIGKILL');
    const failed = await untilStatus(layout, 'failed over to web002', (s) => s.active === 'web002' && s.operation === null, 60_000);
    expect((failed as StatusJson & { blockedUntil: number | null }).blockedUntil).toBeGreaterThan(Date.now());
    // lb1's /metrics counts it, with its duration, and sees web001 unhealthy
    const m = await (await fetch(labEndpoints(layout).metricsUrl)).text();
    expect(m).toMatch(/^whmcs_ha_failovers_total\{coordinator="lb1"\} 1$/m);
    const secs = Number(/^whmcs_ha_last_failover_duration_seconds\{coordinator="lb1"\} (\S+)$/m.exec(m)?.[1]);
    expect(secs).toBeGreaterThan(0);
    console.log(`[hactl] automatic failover after kill -9 of web001's mysqld took ${secs.toFixed(2)} s (decision to new writer serving)`);
    expect(m).toMatch(/^whmcs_ha_node_healthy\{node="web001",coordinator="lb1"\} 0$/m);
    expect(m).toMatch(/^whmcs_ha_node_active\{node="web002",coordinator="lb1"\} 1$/m);
    const unhealthy = await run(['status']);
    expect(unhealthy.code).toBe(1); // web001 is down: status exits 1
    const ack = await run(['ack']);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout.trim()).toBe('anti-flapping block lifted');
    expect(((await json(['status'], 1)) as { blockedUntil: number | null }).blockedUntil).toBeNull();
    // web001 back (read-only from its config), rejoined, then the writer switched back to it
    await restartDaemon(layout, 'web001', 'mariadb');
    await untilStatus(layout, 'web001 rejoined', (s) => {
      const n = s.nodes.find((x) => x.name === 'web001');
      return n?.role === 'passive' && n.healthy && n.mysql.ioRunning && n.mysql.sqlRunning;
    }, 60_000);
    const back = await run(['switchover', '--to', 'web001', '--yes'], 120_000);
    expect(back.code, back.stderr).toBe(0);
    expect(String(await sql(layout.web[0], 'SELECT @@read_only')).trim()).toBe('0');
  });

  it('exit 2 on bad usage and input, naming the field; exit 3 with no coordinator reachable', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/command.*unknown command "frobnicate"/);
    const limit = await run(['history', '--limit', 'lots']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit');
    const onoff = await run(['maintenance', 'web002', 'maybe']);
    expect(onoff.code).toBe(2);
    expect(onoff.stderr).toContain('on|off');
    const node = await run(['maintenance', 'web999', 'on', '--yes']);
    expect(node.code).toBe(2);
    expect(node.stderr).toContain('unknown node "web999"');
    const noTty = await run(['pause']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('--yes');
    const none = await runBin('hactl', ['--endpoint', '127.0.0.1:1', 'status', '--json']);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('no coordinator reachable');
    const noneCheck = await runBin('hactl', ['--endpoint', '127.0.0.1:1', 'check']);
    expect(noneCheck.code).toBe(3);
  });
});
