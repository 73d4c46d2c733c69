import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAppMount } from '../../deploy/lab/app-install.js';
import { labLayout, repoRoot, type HostLayout, type LabLayout, type WebHostLayout } from '../../deploy/lab/layout.js';
import { mariadbPaths } from '../../deploy/lab/mariadb.js';
import { nginxArgs, nginxPaths, upstreamConfig } from '../../deploy/lab/nginx.js';
import { phpFpmPaths } from '../../deploy/lab/php-fpm.js';
import { isAlive, processStartTime, stopProcess } from '../../deploy/lab/process.js';
import { inNetns, spawnDaemon } from '../../deploy/lab/run.js';
import { secretFiles } from '../../deploy/lab/secrets.js';
import { readState, writeState } from '../../deploy/lab/state-file.js';
import { loadAgentConfig, loadCoordinatorConfig, loadHactlConfig } from '../../packages/shared/src/index.js';
import type { StatusJson } from './cluster-client.js';
import { writeThroughLb } from './cluster-client.js';
import { labCli } from './lab-cli.js';

/**
 * Production deployment (issue 9): the bundles, install.sh, the systemd units and the example
 * configs, tried for real. This file brings up its own lab (WHA_LAB_ID=6), replaces the lab's
 * agents and coordinators by installed bundles started with their unit's ExecStart line, and takes
 * the lab down at the end.
 */
const LAB_ID = 6;
const examples = join(repoRoot, 'deploy', 'examples');
const bundleDir = join(repoRoot, 'dist-bundle');
const installSh = join(repoRoot, 'deploy', 'install.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runProgram(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const listExamples = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listExamples(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));

describe('example configs', () => {
  it('every example passes its loader, and both topologies have an odd voter set including lb1', () => {
    const files = listExamples(examples);
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      if (/agent[^/]*\.yaml$/.test(f)) expect(loadAgentConfig(f).node).toMatch(/^web00[12]$/);
      else if (/coordinator[^/]*\.yaml$/.test(f)) expect(loadCoordinatorConfig(f).voters).toContain('lb1');
      else expect(loadHactlConfig(f).endpoints.length).toBe(3);
    }
    expect(loadCoordinatorConfig(join(examples, 'three-server', 'web001', 'coordinator.yaml')).voters).toEqual(['lb1', 'web001', 'web002']);
    expect(loadCoordinatorConfig(join(examples, 'four-server', 'witness', 'coordinator.yaml')).voters).toEqual(['lb1', 'witness', 'web002']);
    // only the coordinator on the load balancer writes the upstream
    for (const t of ['three-server', 'four-server']) {
      for (const f of listExamples(join(examples, t)).filter((x) => x.endsWith('coordinator.yaml'))) {
        expect(Boolean(loadCoordinatorConfig(f).lb), f).toBe(f.includes('/lb1/'));
      }
    }
  });
});

describe('systemd units', () => {
  it('pass systemd-analyze verify with their drop-ins, and a broken unit does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wha-units-'));
    try {
      cpSync(join(repoRoot, 'deploy', 'systemd'), dir, { recursive: true });
      const env = { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:` };
      for (const unit of ['whmcs-ha-agent.service', 'whmcs-ha-coordinator.service']) {
        const r = await runProgram('systemd-analyze', ['verify', join(dir, unit)], { env });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      // the check can fail: a unit whose program is missing, or a drop-in with a bad key
      const broken = readFileSync(join(dir, 'whmcs-ha-agent.service'), 'utf8').replace('/usr/bin/node', '/nonexistent/node');
      writeFileSync(join(dir, 'whmcs-ha-agent.service'), broken);
      expect((await runProgram('systemd-analyze', ['verify', join(dir, 'whmcs-ha-agent.service')], { env })).code).not.toBe(0);
      writeFileSync(join(dir, 'whmcs-ha-coordinator.service.d', 'lb.conf'), '[Service]\nAmbientCapabilitez=CAP_KILL\n');
      expect((await runProgram('systemd-analyze', ['verify', join(dir, 'whmcs-ha-coordinator.service')], { env })).stderr).toMatch(/Unknown key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('install.sh', () => {
  const seedRoot = (root: string) => {
    mkdirSync(join(root, 'etc'), { recursive: true });
    for (const f of ['passwd', 'group', 'shadow', 'gshadow', 'passwd-', 'group-', 'shadow-', 'gshadow-', '.pwd.lock']) {
      if (existsSync(join('/etc', f))) copyFileSync(join('/etc', f), join(root, 'etc', f));
      else writeFileSync(join(root, 'etc', f), '');
    }
  };

  it('refuses bad arguments with exit 2 and names them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wha-install-'));
    // a bundle-shaped directory, so the --node case is reached whether or not `pnpm bundle` has run yet
    const fakeBundle = mkdtempSync(join(tmpdir(), 'wha-fake-bundle-'));
    writeFileSync(join(fakeBundle, 'whmcs-ha-agent.mjs'), '');
    mkdirSync(join(fakeBundle, 'proto', 'whmcsha', 'v1'), { recursive: true });
    writeFileSync(join(fakeBundle, 'proto', 'whmcsha', 'v1', 'agent.proto'), '');
    try {
      const cases: Array<[string[], RegExp]> = [
        [['nosuch'], /unknown argument: nosuch/],
        [[], /which role\?/],
        [['agent', 'coordinator'], /give one role/],
        [['--root', 'relative/dir', 'agent'], /--root must be an absolute path/],
        [['--root', root, '--lb', 'agent'], /--lb is for the coordinator role/],
        [['--root', root, '--whmcs-root', '/srv/whmcs', 'hactl'], /--whmcs-root is for the agent role/],
        [['--root', root, '--bundle', join(root, 'none'), 'agent'], /run `pnpm bundle` first/],
        [['--root', root, '--node', '/nonexistent/node', '--bundle', fakeBundle, 'agent'], /not executable/],
      ];
      for (const [args, msg] of cases) {
        const r = await runProgram('bash', [installSh, ...args]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(msg);
      }
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(fakeBundle, { recursive: true, force: true });
    }
  });

  it('keeps what it did not create: pre-existing directories, your config, other files; uninstall order does not matter', async () => {
    const b = await runProgram(process.execPath, [join(repoRoot, 'scripts', 'bundle.mjs')], { cwd: repoRoot });
    expect(b.code, b.stderr).toBe(0);
    const root = mkdtempSync(join(tmpdir(), 'wha-install-'));
    try {
      seedRoot(root);
      // a server that already has these
      mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
      writeFileSync(join(root, 'etc/systemd/system/other.service'), '[Service]\nExecStart=/bin/true\n');
      mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
      writeFileSync(join(root, 'usr/local/bin/other-tool'), '#!/bin/sh\n', { mode: 0o755 });
      mkdirSync(join(root, 'var/lib/other'), { recursive: true });
      const before = listing(root);
      for (const role of ['agent', 'coordinator', 'hactl']) {
        const r = await runProgram('bash', [installSh, '--root', root, role]);
        expect(r.code, r.stderr).toBe(0);
      }
      // the operator's config survives a re-install and an uninstall
      writeFileSync(join(root, 'etc/whmcs-ha/agent.yaml'), 'node: web001\n');
      expect((await runProgram('bash', [installSh, '--root', root, 'agent'])).code).toBe(0);
      expect(readFileSync(join(root, 'etc/whmcs-ha/agent.yaml'), 'utf8')).toBe('node: web001\n');
      // removed in the order they were installed (the directories they share pass to the next role)
      for (const role of ['agent', 'coordinator', 'hactl']) {
        const r = await runProgram('bash', [installSh, '--root', root, '--uninstall', role]);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(readFileSync(join(root, 'etc/whmcs-ha/agent.yaml'), 'utf8')).toBe('node: web001\n');
      rmSync(join(root, 'etc/whmcs-ha'), { recursive: true });
      expect(diffListing(before, listing(root))).toEqual([]);
      // and a second uninstall has nothing left to do
      const again = await runProgram('bash', [installSh, '--root', root, '--uninstall', 'agent']);
      expect(again.stdout).toMatch(/not installed here/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('bundles and install.sh in lab 6', () => {
  const layout: LabLayout = labLayout(LAB_ID, repoRoot);
  const installRoot = join(layout.dir, 'install');
  const rootOf = (h: HostLayout | 'admin') => join(installRoot, h === 'admin' ? 'admin' : h.name);
  const started: Array<{ host: HostLayout; pid: number; startTime: number; name: string }> = [];
  let labUp = false;

  // The installed units run as the whmcs-ha user, and the lab (their configs, nginx tree, sockets)
  // lives inside the checkout: a checkout under a 0700 directory (`mktemp -d`) is out of that user's
  // reach. It and its ancestors get search permission (o+x, no listing) for the test, and their modes back after.
  const ancestorModes: Array<{ dir: string; mode: number }> = [];
  beforeAll(() => {
    for (let d = repoRoot; d !== dirname(d); d = dirname(d)) {
      const mode = statSync(d).mode & 0o7777;
      if ((mode & 0o001) === 0) {
        ancestorModes.push({ dir: d, mode });
        chmodSync(d, mode | 0o001);
      }
    }
  });
  afterAll(() => {
    for (const a of ancestorModes) chmodSync(a.dir, a.mode);
  });

  beforeAll(async () => {
    const b = await runProgram(process.execPath, [join(repoRoot, 'scripts', 'bundle.mjs')], { cwd: repoRoot });
    if (b.code !== 0) throw new Error(`pnpm bundle failed:\n${b.stdout}\n${b.stderr}`);
    const up = await labCli(LAB_ID, ['up']);
    if (up.code !== 0) throw new Error(`lab ${LAB_ID} up failed (${up.code}):\n${up.stdout}\n${up.stderr}`);
    labUp = true;
  }, 600_000);

  afterAll(async () => {
    for (const p of started) await stopProcess(p.pid, p.startTime);
    rmSync(installRoot, { recursive: true, force: true });
    if (labUp) {
      const down = await labCli(LAB_ID, ['down']);
      if (down.code !== 0) throw new Error(`lab ${LAB_ID} down failed:\n${down.stdout}\n${down.stderr}`);
    }
  }, 300_000);

  it('a bundle runs from a directory without node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wha-bundle-'));
    try {
      cpSync(bundleDir, dir, { recursive: true });
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
      const bin = (b: string) => join(dir, `${b}.mjs`);
      for (const b of ['whmcs-ha-agent', 'whmcs-ha-coordinator']) {
        const v = await runProgram(process.execPath, [bin(b), '--version'], { cwd: dir });
        expect(v.stdout).toBe(`${b} 0.1.0\n`);
        expect(v.code).toBe(0);
      }
      const help = await runProgram(process.execPath, [bin('whmcs-hactl'), '--help'], { cwd: dir });
      expect(help.stdout).toMatch(/usage: whmcs-hactl/);
      writeFileSync(join(dir, 'bad.yaml'), 'node: 1\nlisten: nowhere\n');
      for (const [b, field] of [['whmcs-ha-agent', 'node'], ['whmcs-ha-coordinator', 'listen'], ['whmcs-hactl', 'endpoints']] as const) {
        const args = b === 'whmcs-hactl' ? ['--config', join(dir, 'bad.yaml'), 'status'] : ['--config', join(dir, 'bad.yaml')];
        const r = await runProgram(process.execPath, [bin(b), ...args], { cwd: dir });
        expect(r.code, `${b}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(`bad.yaml: ${field}:`);
      }
      // the protos are loaded from beside the bundle: without them the binary says so
      rmSync(join(dir, 'proto'), { recursive: true });
      const h = await runProgram(process.execPath, [bin('whmcs-hactl'), '--endpoint', '127.0.0.1:9', 'status'], { cwd: dir });
      expect(h.code).not.toBe(0);
      expect(h.stderr).toContain('cannot find proto/whmcsha/v1/*.proto');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('installs every role, runs the installed binaries as the units would, and uninstalls without a trace', async () => {
    const voters: HostLayout[] = [layout.lb, layout.web[0], layout.web[1]];
    const hosts: HostLayout[] = [layout.lb, layout.web[0], layout.web[1]];
    const roles = (h: HostLayout | 'admin'): Array<{ role: string; flags: string[] }> =>
      h === 'admin'
        ? [{ role: 'hactl', flags: [] }]
        : [
            ...(voters.includes(h) ? [{ role: 'coordinator', flags: h === layout.lb ? ['--lb'] : [] }] : []),
            ...(h.role === 'web' ? [{ role: 'agent', flags: ['--whmcs-root', layout.installPath] }] : []),
          ];

    // each root starts as a fresh server's /etc would: the user databases and nothing of ours
    rmSync(installRoot, { recursive: true, force: true });
    const before = new Map<string, Map<string, string>>();
    for (const h of [...hosts, 'admin' as const]) {
      const root = rootOf(h);
      mkdirSync(join(root, 'etc'), { recursive: true });
      for (const f of ['passwd', 'group', 'shadow', 'gshadow', 'passwd-', 'group-', 'shadow-', 'gshadow-', '.pwd.lock']) {
        if (existsSync(join('/etc', f))) copyFileSync(join('/etc', f), join(root, 'etc', f));
        else writeFileSync(join(root, 'etc', f), '');
      }
      before.set(root, listing(root));
    }

    // install, twice: the second run must change nothing it does not own (idempotent)
    for (const h of [...hosts, 'admin' as const]) {
      for (const { role, flags } of roles(h)) {
        for (let i = 0; i < 2; i++) {
          const r = await runProgram('bash', [installSh, '--root', rootOf(h), ...flags, role]);
          expect(r.code, `${role} on ${h === 'admin' ? h : h.name}: ${r.stderr}`).toBe(0);
        }
        const manifest = readFileSync(join(rootOf(h), 'opt/whmcs-ha/manifests', `${role}.list`), 'utf8').trim().split('\n');
        expect(new Set(manifest).size, 'the manifest records each path once').toBe(manifest.length);
      }
    }
    expect(readFileSync(join(rootOf(layout.lb), 'etc/passwd'), 'utf8')).toMatch(/^whmcs-ha:x:\d+:\d+:/m);
    expect(lstatSync(join(rootOf(layout.lb), 'var/lib/whmcs-ha/coordinator')).mode & 0o777).toBe(0o700);

    // the installed units (with their drop-ins) pass systemd-analyze verify
    for (const h of hosts) {
      const unitDir = join(rootOf(h), 'etc/systemd/system');
      for (const unit of readdirSync(unitDir).filter((u) => u.endsWith('.service'))) {
        const r = await runProgram('systemd-analyze', ['verify', join(unitDir, unit)], { env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:` } });
        expect(r.stderr, `${h.name} ${unit}`).toBe('');
        expect(r.code).toBe(0);
      }
    }
    expect(readFileSync(join(rootOf(layout.lb), 'etc/systemd/system/whmcs-ha-coordinator.service.d/lb.conf'), 'utf8')).toMatch(/AmbientCapabilities=CAP_KILL/);

    // the lab's own agents and coordinators make way for the installed ones
    const state = readState(layout)!;
    for (const h of state.hosts) {
      for (const p of h.processes.filter((x) => x.name === 'whmcs-ha-agent' || x.name === 'whmcs-ha-coordinator')) {
        await stopProcess(p.pid, p.startTime);
      }
    }

    // the 3-server example configs, adapted to the lab: addresses, paths, and the lab's nginx instance
    const monitorPassword = readFileSync(secretFiles(layout).monitor, 'utf8').trim();
    // mTLS as the operator guide sets it up: a cluster CA made with the installed whmcs-hactl on the
    // admin host, one certificate per program; each server gets the CA and its own files in
    // /etc/whmcs-ha/tls/, and a coordinator's files belong to whmcs-ha (it runs as that user)
    const hactlMjs = join(rootOf('admin'), 'opt/whmcs-ha/hactl/whmcs-hactl.mjs');
    const pki = join(rootOf('admin'), 'etc/whmcs-ha/tls');
    const pkiRun = async (args: string[]) => {
      const r = await runProgram(process.execPath, [hactlMjs, 'pki', ...args, '--dir', pki]);
      expect(r.code, `pki ${args.join(' ')}: ${r.stderr}`).toBe(0);
    };
    await pkiRun(['init']);
    for (const h of voters) await pkiRun(['issue', '--role', 'coordinator', '--name', h.name, '--host', h.address]);
    for (const w of layout.web) await pkiRun(['issue', '--role', 'agent', '--name', w.name]);
    await pkiRun(['issue', '--role', 'operator', '--name', 'admin']);
    const putTls = (root: string, role: 'agent' | 'coordinator', name: string) => {
      const dir = join(root, 'etc/whmcs-ha/tls');
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      for (const f of ['ca.pem', `${role}-${name}.pem`, `${role}-${name}.key`]) {
        copyFileSync(join(pki, f), join(dir, f));
        chmodSync(join(dir, f), 0o600);
        if (role === 'coordinator') {
          const [, , uid, gid] = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith('whmcs-ha:'))!.split(':');
          chownSync(join(dir, f), Number(uid), Number(gid));
        }
      }
    };
    for (const h of voters) putTls(rootOf(h), 'coordinator', h.name);
    for (const w of layout.web) putTls(rootOf(w), 'agent', w.name);
    const adapt = (text: string, root: string) =>
      text
        .replaceAll('10.0.0.', `${layout.subnet.replace(/\.0\/24$/, '.')}`)
        .replaceAll('/var/lib/whmcs-ha/', `${root}/var/lib/whmcs-ha/`)
        .replaceAll('/etc/whmcs-ha/tls/', `${root}/etc/whmcs-ha/tls/`);
    for (const h of voters) {
      const root = rootOf(h);
      let text = adapt(readFileSync(join(examples, 'three-server', h.name, 'coordinator.yaml'), 'utf8'), root);
      if (h === layout.lb) {
        const lb = nginxPaths(layout, layout.lb);
        text = text
          .replace('/etc/nginx/whmcs-ha/upstream.conf', lb.upstreamFile)
          .replace('nginxConfig: /etc/nginx/nginx.conf', `nginxConfig: ${lb.config}`)
          .replace('nginxArgs: []', `nginxArgs: ${JSON.stringify(nginxArgs(layout, layout.lb))}`)
          .replace('http://127.0.0.1:8099/fpm-ping', `http://${layout.lb.address}/fpm-ping`);
      }
      writeFileSync(join(root, 'etc/whmcs-ha/coordinator.yaml'), text);
      loadCoordinatorConfig(join(root, 'etc/whmcs-ha/coordinator.yaml'));
    }
    for (const w of layout.web) {
      const root = rootOf(w);
      const text = adapt(readFileSync(join(examples, 'three-server', w.name, 'agent.yaml'), 'utf8'), root)
        .replace('/run/mysqld/mysqld.sock', mariadbPaths(w).socket)
        .replace('/run/php/php8.2-fpm-whmcs.sock', phpFpmPaths(w).socket)
        .replace('root: /var/www/whmcs', `root: ${layout.installPath}`);
      writeFileSync(join(root, 'etc/whmcs-ha/agent.yaml'), text);
      // the secret, as the unit's EnvironmentFile= reads it
      writeFileSync(join(root, 'etc/whmcs-ha/agent.env'), `WHA_MYSQL_PASSWORD=${monitorPassword}\n`, { mode: 0o600 });
      loadAgentConfig(join(root, 'etc/whmcs-ha/agent.yaml'));
    }
    const hactlYaml = join(rootOf('admin'), 'etc/whmcs-ha/hactl.yaml');
    writeFileSync(hactlYaml, adapt(readFileSync(join(examples, 'three-server', 'hactl.yaml'), 'utf8'), rootOf('admin')));

    // start each installed binary with its unit's ExecStart line (paths under the install root)
    const st = readState(layout)!;
    const start = async (h: HostLayout, role: 'agent' | 'coordinator') => {
      const root = rootOf(h);
      const unit = readFileSync(join(root, `etc/systemd/system/whmcs-ha-${role}.service`), 'utf8');
      const line = /^ExecStart=(.+)$/m.exec(unit)?.[1];
      expect(line).toBeDefined();
      const argv = line!.trim().split(/\s+/).map((a) => (a.startsWith('/opt/whmcs-ha/') || a.startsWith('/etc/whmcs-ha/') ? `${root}${a}` : a));
      expect(existsSync(argv[0]!), `${argv[0]} (the unit's Node)`).toBe(true);
      const envFile = unit.match(/^EnvironmentFile=-?(.+)$/m)?.[1];
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const m of unit.matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=(.*)$/gm)) env[m[1]!] = m[2]!;
      if (envFile && existsSync(join(root, envFile))) {
        for (const l of readFileSync(join(root, envFile), 'utf8').split('\n')) {
          const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l);
          if (m) env[m[1]!] = m[2]!;
        }
      }
      // as systemd would run it: the unit's User=, capability sets and NoNewPrivileges= (setpriv)
      const creds = unitCredentials(root, `whmcs-ha-${role}.service`);
      if (role === 'coordinator') expect(creds.user).toBe('whmcs-ha');
      const sandboxed = [...setprivArgs(root, creds), ...argv];
      // the agent's app mount needs CAP_SYS_ADMIN, so it happens before setpriv drops capabilities
      const full = inNetns(h.netns, role === 'agent' ? withAppMount(layout, h as WebHostLayout, sandboxed) : sandboxed);
      const log = join(layout.logsDir, `${h.name}-installed-${role}.log`);
      const pid = spawnDaemon(full, log, env);
      const startTime = processStartTime(pid);
      started.push({ host: h, pid, startTime, name: `whmcs-ha-${role}` });
      // recorded, so `lab down` stops it even if this test dies
      st.hosts.find((x) => x.name === h.name)!.processes.push({ name: `installed-whmcs-ha-${role}`, pid, startTime, argv: full, log });
      writeState(layout, st);
      await new Promise((r) => setTimeout(r, 300));
      expect(isAlive(pid, startTime), `${role} on ${h.name} exited; see ${log}`).toBe(true);
    };
    // the health page the example configs probe (operator guide, section 3), in both nodes' WHMCS tree
    for (const w of layout.web) copyFileSync(join(examples, 'whmcs-ha-health.php'), join(w.appDir, 'whmcs-ha-health.php'));
    // the upstream as the lab wrote it before any coordinator ran, so the installed one must rewrite it
    writeFileSync(nginxPaths(layout, layout.lb).upstreamFile, upstreamConfig(layout, layout.web[0]));
    for (const h of voters) await start(h, 'coordinator');
    for (const w of layout.web) await start(w, 'agent');

    // the installed whmcs-hactl sees a leader, the three voters and web001 active
    const hactlBin = join(rootOf('admin'), 'usr/local/bin/whmcs-hactl');
    expect(readlinkSync(hactlBin)).toBe('/opt/whmcs-ha/bin/whmcs-hactl');
    let last: StatusJson | undefined;
    let lastErr = '';
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const r = await runProgram(process.execPath, [hactlMjs, '--config', hactlYaml, 'status', '--json'], { timeoutMs: 20_000 });
      lastErr = r.stderr;
      if (r.code === 0 || r.code === 1) {
        try {
          last = JSON.parse(r.stdout) as StatusJson;
        } catch {
          last = undefined;
        }
        const ok =
          last?.leader.id &&
          last.active === 'web001' &&
          last.nodes.every((n) => n.healthy) &&
          last.nodes.find((n) => n.name === 'web001')?.role === 'active' &&
          last.coordinators.every((c) => c.reachable);
        if (ok) break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(last, lastErr).toBeDefined();
    expect(last!.leader.id).toMatch(/^(lb1|web001|web002)$/);
    expect(last!.coordinators.map((c) => c.id).sort()).toEqual(['lb1', 'web001', 'web002']);
    expect(last!.active).toBe('web001');
    expect(last!.nodes.find((n) => n.name === 'web001')).toMatchObject({ role: 'active', healthy: true, mysql: { readOnly: false } });
    expect(last!.nodes.find((n) => n.name === 'web002')).toMatchObject({ role: 'passive', healthy: true, mysql: { readOnly: true } });
    // and writes through the load balancer land on web001
    const w = await writeThroughLb(layout.lb.address, `install-${Date.now()}`);
    expect(w).toMatchObject({ status: 201, node: 'web001' });
    // the installed coordinator on lb1 (unprivileged, with lb.conf's capabilities) rewrote the upstream
    // from committed state: staged nginx -t, rename, reload, verify
    expect(readFileSync(nginxPaths(layout, layout.lb).upstreamFile, 'utf8')).toMatch(/Managed by whmcs-ha at epoch \d+/);

    // a switchover through the installed cluster: the agents (root with four capabilities) fence and
    // promote, the LB coordinator (whmcs-ha with CAP_KILL) rewrites the upstream and reloads nginx
    const sw = await runProgram(process.execPath, [hactlMjs, '--config', hactlYaml, 'switchover', '--to', 'web002', '--yes'], { timeoutMs: 120_000 });
    expect(sw.code, `${sw.stdout}\n${sw.stderr}`).toBe(0);
    // the LB follows committed state on lb1's coordinator, a moment after the switchover commits
    let w2 = await writeThroughLb(layout.lb.address, `install-${Date.now()}-2`);
    for (let i = 0; i < 100 && !(w2.status === 201 && w2.node === 'web002'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      w2 = await writeThroughLb(layout.lb.address, `install-${Date.now()}-${i}`);
    }
    const lbLog = () => readFileSync(join(layout.logsDir, 'lb1-installed-coordinator.log'), 'utf8').split('\n').filter((l) => /lb|nginx|error/i.test(l)).slice(-15).join('\n');
    expect(w2, lbLog()).toMatchObject({ status: 201, node: 'web002' });

    // an automatic failover: the active's mysqld dies; the health page makes lb1's probe agree
    // (with /fpm-ping as healthUrl it stayed green and vetoed the failover: found following the guide)
    const web002Db = readState(layout)!.hosts.find((x) => x.name === 'web002')!.processes.find((p) => p.name === 'mariadb')!;
    process.kill(web002Db.pid, 'SIGKILL');
    let w3 = await writeThroughLb(layout.lb.address, `install-${Date.now()}-3`);
    for (let i = 0; i < 300 && !(w3.status === 201 && w3.node === 'web001'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      w3 = await writeThroughLb(layout.lb.address, `install-${Date.now()}-f${i}`);
    }
    expect(w3, lbLog()).toMatchObject({ status: 201, node: 'web001' });

    // why lb.conf grants CAP_KILL: as whmcs-ha without it, `nginx -s reload` cannot signal the root master
    const lbCreds = unitCredentials(rootOf(layout.lb), 'whmcs-ha-coordinator.service');
    const lbNginx = nginxPaths(layout, layout.lb);
    const reload = (caps: string[]) =>
      runProgram('ip', inNetns(layout.lb.netns, [...setprivArgs(rootOf(layout.lb), { ...lbCreds, bounding: caps, ambient: caps }), '/usr/sbin/nginx', ...nginxArgs(layout, layout.lb), '-c', lbNginx.config, '-s', 'reload']).slice(1));
    const without = await reload(lbCreds.ambient.filter((c) => c !== 'CAP_KILL'));
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/Operation not permitted/);
    expect((await reload(lbCreds.ambient)).code).toBe(0);

    // stop them as systemd would (SIGTERM), then uninstall every role: each root is as before
    for (const p of started.splice(0)) expect(await stopProcess(p.pid, p.startTime, 20_000)).toBe('terminated');
    for (const h of [...hosts, 'admin' as const]) {
      const root = rootOf(h);
      // the operator's own files are theirs to remove (install.sh keeps a directory that holds them)
      for (const f of ['agent.yaml', 'agent.env', 'coordinator.yaml', 'hactl.yaml', 'tls']) rmSync(join(root, 'etc/whmcs-ha', f), { recursive: true, force: true });
      for (const { role } of roles(h).reverse()) {
        const r = await runProgram('bash', [installSh, '--root', root, '--uninstall', role]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`removed ${role}`));
      }
      expect(diffListing(before.get(root)!, listing(root)), `${root} after --uninstall`).toEqual([]);
    }
  });
});

interface UnitCredentials {
  user: string;
  group: string;
  bounding: string[];
  ambient: string[];
  noNewPrivileges: boolean;
}

/**
 * The unit's User=, Group=, CapabilityBoundingSet=, AmbientCapabilities= and NoNewPrivileges= after its
 * drop-ins (read in name order), with systemd's rules: a capability list adds to the earlier ones,
 * an empty assignment resets it.
 */
function unitCredentials(root: string, unit: string): UnitCredentials {
  const dir = join(root, 'etc/systemd/system');
  const dropins = existsSync(join(dir, `${unit}.d`)) ? readdirSync(join(dir, `${unit}.d`)).filter((f) => f.endsWith('.conf')).sort().map((f) => join(dir, `${unit}.d`, f)) : [];
  const c: UnitCredentials = { user: 'root', group: '', bounding: [], ambient: [], noNewPrivileges: false };
  let boundingSet = false;
  for (const file of [join(dir, unit), ...dropins]) {
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(raw.trim());
      if (!m) continue;
      const [, key, value] = m as unknown as [string, string, string];
      const caps = value.split(/\s+/).filter(Boolean);
      if (key === 'User') c.user = value;
      else if (key === 'Group') c.group = value;
      else if (key === 'NoNewPrivileges') c.noNewPrivileges = value === 'yes';
      else if (key === 'CapabilityBoundingSet') {
        boundingSet = true;
        c.bounding = caps.length ? [...new Set([...c.bounding, ...caps])] : [];
      } else if (key === 'AmbientCapabilities') c.ambient = caps.length ? [...new Set([...c.ambient, ...caps])] : [];
    }
  }
  if (!boundingSet) throw new Error(`${unit} sets no CapabilityBoundingSet=`);
  return c;
}

/** setpriv arguments that give a program the unit's user (from the install root's passwd) and capabilities. */
function setprivArgs(root: string, c: UnitCredentials): string[] {
  const caps = (l: string[]) => ['-all', ...l.map((x) => `+${x.replace(/^CAP_/, '').toLowerCase()}`)].join(',');
  const args = ['setpriv'];
  if (c.user !== 'root') {
    const entry = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith(`${c.user}:`));
    if (!entry) throw new Error(`no user ${c.user} in ${root}/etc/passwd`);
    const [, , uid, gid] = entry.split(':');
    args.push(`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups');
  }
  args.push(`--bounding-set=${caps(c.bounding)}`, `--inh-caps=${caps(c.ambient)}`);
  if (c.ambient.length) args.push(`--ambient-caps=${caps(c.ambient)}`);
  if (c.noNewPrivileges) args.push('--no-new-privs');
  args.push('--');
  return args;
}

/** Every path under `root` with its type and, for files, a sha256 (the shadow tools' backups only by name). */
function listing(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = p.slice(root.length);
      const st = lstatSync(p);
      if (e.isDirectory()) {
        out.set(rel, `dir ${(st.mode & 0o7777).toString(8)}`);
        walk(p);
      } else if (e.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else if (/^\/etc\/(\w+-|\.pwd\.lock)$/.test(rel)) out.set(rel, 'file (backup of the user database)');
      else out.set(rel, `file ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

function diffListing(a: Map<string, string>, b: Map<string, string>): string[] {
  const d: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) d.push(`${k}: ${v} -> ${b.get(k) ?? 'missing'}`);
  for (const [k, v] of b) if (!a.has(k)) d.push(`${k}: added (${v})`);
  return d;
}
