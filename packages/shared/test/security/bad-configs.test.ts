import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkiFiles, pkiInit, pkiIssue } from '../../../hactl/src/pki.js';
import { minimalCoordinatorInput } from '../support/coordinator-input.js';

/**
 * Table of bad configs for the three real binaries (built dist/main.js, as
 * installed): each must stop at once with exit 2 and an error naming the
 * field, before it listens, dials or reads a database. Secrets and keys that
 * others can read count as bad configs too.
 */
const repo = join(import.meta.dirname, '..', '..', '..', '..');
type Bin = 'agent' | 'coordinator' | 'hactl';

function run(bin: Bin, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repo, 'packages', bin, 'dist', 'main.js'), ...args],
      // a case that wrongly starts the daemon is killed and fails on its exit code
      { timeout: 20_000, env: { ...process.env, WHA_LOG_LEVEL: 'silent', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

let dir: string;
let tls: (role: 'agent' | 'coordinator' | 'operator' | 'viewer', name: string) => { ca: string; cert: string; key: string };
let otherCa: { ca: string; cert: string; key: string };
const files: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wha-badcfg-'));
  const pki = join(dir, 'pki');
  pkiInit(pki);
  const f = pkiFiles(pki);
  tls = (role, name) => {
    try {
      pkiIssue({ dir: pki, role, name });
    } catch {
      // issued before
    }
    return { ca: f.ca, ...f.leaf(role, name) };
  };
  const other = join(dir, 'other');
  pkiInit(other);
  pkiIssue({ dir: other, role: 'coordinator', name: 'lb1' });
  otherCa = { ca: f.ca, ...pkiFiles(other).leaf('coordinator', 'lb1') };
  files.openKey = join(dir, 'open.key');
  writeFileSync(files.openKey, '-----BEGIN PRIVATE KEY-----\n', { mode: 0o644 });
  chmodSync(files.openKey, 0o644);
  files.openPassword = join(dir, 'open.password');
  writeFileSync(files.openPassword, 'hunter2-secret', { mode: 0o640 });
  chmodSync(files.openPassword, 0o640);
  files.password = join(dir, 'ok.password');
  writeFileSync(files.password, 'hunter2-secret', { mode: 0o600 });
  files.root = join(dir, 'www');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const agentBase = () => ({
  node: 'web001',
  dataDir: join(dir, 'agent-data'),
  coordinators: [{ id: 'lb1', address: '127.0.0.1:9' }],
  mysql: { password: { file: files.password } },
  phpFpm: { socket: join(dir, 'fpm.sock') },
  files: { root: files.root },
  tls: tls('agent', 'web001'),
});

const coordinatorBase = () => ({ ...minimalCoordinatorInput(join(dir, 'coord-data')), tls: tls('coordinator', 'lb1') });

const hactlBase = () => ({ endpoints: ['127.0.0.1:9'], timeoutMs: 1000, tls: tls('operator', 'olga') });

type Case = [what: string, change: (c: Record<string, any>) => void, field: string | RegExp, env?: NodeJS.ProcessEnv];

const agentCases: Case[] = [
  ['a node name with capitals', (c) => (c.node = 'Web_001'), 'node:'],
  ['no coordinators', (c) => (c.coordinators = []), 'coordinators:'],
  ['a coordinator address without a port', (c) => (c.coordinators[0].address = 'lb1'), 'coordinators[0].address:'],
  ['a duplicate coordinator id', (c) => c.coordinators.push({ id: 'lb1', address: '127.0.0.1:8' }), 'coordinators[1].id:'],
  ['a report interval of 10 ms', (c) => (c.reportIntervalMs = 10), 'reportIntervalMs:'],
  ['an unknown key', (c) => (c.msql = {}), /msql/],
  ['a password both from a file and the environment', (c) => (c.mysql.password = { file: files.password, env: 'X' }), 'mysql.password:'],
  ['an inline password', (c) => (c.mysql.password = 'hunter2-secret'), 'mysql.password:'],
  ['a group-readable password file', (c) => (c.mysql.password = { file: files.openPassword }), 'mysql.password.file:'],
  ['a missing password file', (c) => (c.mysql.password = { file: join(dir, 'nope') }), 'mysql.password.file:'],
  ['an unset password variable', (c) => (c.mysql.password = { env: 'WHA_TEST_UNSET_PASSWORD' }), 'mysql.password.env:'],
  ['a relative files.root', (c) => (c.files.root = 'www'), 'files.root:'],
  ['php-fpm by socket and address', (c) => (c.phpFpm.address = '127.0.0.1:9000'), 'phpFpm:'],
  ['no tls and no insecure', (c) => delete c.tls, 'tls:'],
  ['tls and insecure', (c) => (c.insecure = true), 'insecure:'],
  ['a tls section without key', (c) => delete c.tls.key, 'tls.key:'],
  ['a world-readable key', (c) => (c.tls.key = files.openKey), 'tls.key:'],
  ["a coordinator's certificate", (c) => (c.tls = tls('coordinator', 'lb1')), 'tls.cert:'],
  ["the other node's certificate", (c) => (c.tls = tls('agent', 'web002')), 'tls.cert:'],
  ['a certificate from another CA', (c) => (c.tls = otherCa), 'tls.cert:'],
];

const coordinatorCases: Case[] = [
  ['listen without a port', (c) => (c.listen = 'nowhere'), 'listen:'],
  ['a port out of range', (c) => (c.peers[1].address = '127.0.0.1:70000'), 'peers[1].address:'],
  ['two voters', (c) => c.peers.pop(), 'peers:'],
  ['peers without this coordinator', (c) => (c.peers[0].id = 'other'), 'peers:'],
  ['one node', (c) => c.nodes.pop(), 'nodes:'],
  ['an initial active that is not a node', (c) => (c.cluster = { initialActive: 'web009' }), 'cluster.initialActive:'],
  ['heartbeat not below the election timeout', (c) => (c.raft = { electionTicks: 5, heartbeatTicks: 5 }), 'raft.heartbeatTicks:'],
  ['nginx without its upstream file', (c) => (c.lb = { kind: 'nginx' }), 'lb.upstreamFile:'],
  ['an unknown LB kind', (c) => (c.lb = { kind: 'f5' }), 'lb.kind:'],
  ['no tls and no insecure', (c) => delete c.tls, 'tls:'],
  ['a world-readable key', (c) => (c.tls.key = files.openKey), 'tls.key:'],
  ['a missing CA file', (c) => (c.tls.ca = join(dir, 'nope.pem')), 'tls.ca:'],
  ["an agent's certificate", (c) => (c.tls = tls('agent', 'web001')), 'tls.cert:'],
  ["another coordinator's certificate", (c) => (c.tls = tls('coordinator', 'witness')), 'tls.cert:'],
  ['a certificate from another CA', (c) => (c.tls = otherCa), 'tls.cert:'],
  ['a key that is not the certificate’s', (c) => (c.tls.key = tls('coordinator', 'witness').key), 'tls.key:'],
];

const hactlCases: Case[] = [
  ['no endpoints', (c) => (c.endpoints = []), 'endpoints:'],
  ['an endpoint without a port', (c) => (c.endpoints = ['lb1']), 'endpoints[0]:'],
  ['a timeout of 5 ms', (c) => (c.timeoutMs = 5), 'timeoutMs:'],
  ['no tls and no insecure', (c) => delete c.tls, 'tls:'],
  ['a world-readable key', (c) => (c.tls.key = files.openKey), 'tls.key:'],
  ["an agent's certificate", (c) => (c.tls = tls('agent', 'web001')), 'tls.cert:'],
];

function table(bin: Bin, base: () => Record<string, unknown>, cases: Case[], args: (file: string) => string[]) {
  describe(`${bin}: bad configs exit 2 naming the field`, () => {
    it.each(cases)('%s', async (what, change, field, env) => {
      const cfg = structuredClone(base()) as Record<string, any>;
      change(cfg);
      const file = join(dir, `${bin}-${what.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
      writeFileSync(file, JSON.stringify(cfg)); // JSON is YAML
      const r = await run(bin, args(file), env);
      expect(r.code, `${what}: ${r.stderr}${r.stdout}`).toBe(2);
      if (typeof field === 'string') expect(r.stderr).toContain(`${file}: ${field}`);
      else expect(r.stderr).toMatch(field);
      // a secret never shows up in an error
      expect(r.stderr + r.stdout).not.toContain('hunter2-secret');
    });
  });
}

table('agent', agentBase, agentCases, (f) => ['--config', f]);
table('coordinator', coordinatorBase, coordinatorCases, (f) => ['--config', f]);
table('hactl', hactlBase, hactlCases, (f) => ['--config', f, 'status']);

describe('hactl pki: bad arguments exit 2 naming the flag', () => {
  it.each([
    [['pki', 'issue', '--role', 'root', '--name', 'x'], '--role:'],
    [['pki', 'issue', '--role', 'operator', '--name', 'Bad Name'], '--name:'],
    [['pki', 'issue', '--role', 'operator'], '--name:'],
    [['pki', 'issue', '--role', 'agent', '--name', 'web001', '--host', 'a b'], '--host[0]:'],
    [['pki', 'issue', '--role', 'agent', '--name', 'web001', '--days', '0'], '--days:'],
    [['pki', 'frob'], 'pki:'],
    [['pki', 'issue', '--role', 'agent', '--name', 'web001', '--bogus'], 'arguments:'],
  ])('%j', async (args, field) => {
    const r = await run('hactl', [...args, '--dir', join(dir, 'pki')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(field);
  });

  it('refuses to make a second CA over the first, and to issue without one', async () => {
    const again = await run('hactl', ['pki', 'init', '--dir', join(dir, 'pki')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--dir:');
    const none = await run('hactl', ['pki', 'issue', '--role', 'agent', '--name', 'web001', '--dir', join(dir, 'empty')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--dir: .*holds no CA/);
  });
});
