import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorAddress, coordinatorHosts } from '../../deploy/lab/ha-config.js';
import { LAB_VIEWER, labTls } from '../../deploy/lab/lab-pki.js';
import { CHANNEL_OPTIONS, clientConstructor, grpc, readTlsMaterial } from '../../packages/shared/src/index.js';
import { runBin, status, type StatusJson } from './cluster-client.js';
import { testLab } from './lab-client.js';

// DESIGN §10 against the real lab, which runs with mTLS from its own CA: callers without a
// certificate, with one from another CA, an agent speaking for the other node and a viewer
// asking for a switchover are all refused, and the cluster is exactly as it was. Read-only:
// safe on the shared test lab.

/** What a refused call must not have changed (the Raft leader may move on a loaded machine: not part of it). */
const essence = (s: StatusJson) => ({
  active: s.active,
  epoch: s.epoch,
  paused: s.paused,
  operation: s.operation,
  roles: s.nodes.map((n) => `${n.name}:${n.role}:${n.mysql.readOnly ? 'ro' : 'rw'}`),
});

describe('security in the lab', () => {
  const { layout } = testLab();
  let dir: string;
  let before: ReturnType<typeof essence>;
  const endpoints = coordinatorHosts(layout).map((h) => coordinatorAddress(layout, h));

  /** an hactl config file with the given tls section (or insecure) */
  const hactlConfig = (file: string, tls: { ca: string; cert: string; key: string } | null) => {
    const p = join(dir, file);
    writeFileSync(
      p,
      `endpoints: [${endpoints.map((e) => `"${e}"`).join(', ')}]\ntimeoutMs: 3000\n` +
        (tls ? `tls: { ca: "${tls.ca}", cert: "${tls.cert}", key: "${tls.key}" }\n` : 'insecure: true\n'),
    );
    return p;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wha-lab-sec-'));
    // earlier files leave web001 active; wait until any rejoin or sync they started has settled
    const t0 = Date.now();
    let s = await status(layout);
    while (!(s.active === 'web001' && s.operation === null && s.nodes.every((n) => n.healthy)) && Date.now() - t0 < 90_000) {
      await new Promise((r) => setTimeout(r, 500));
      s = await status(layout);
    }
    expect(s.active).toBe('web001');
    before = essence(s);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses hactl without a certificate (exit 3: no coordinator will talk to it)', async () => {
    const cfg = hactlConfig('plain.yaml', null);
    const st = await runBin('hactl', ['--config', cfg, 'status']);
    expect(st.code, st.stderr).toBe(3);
    const sw = await runBin('hactl', ['--config', cfg, 'switchover', '--to', 'web002', '--yes']);
    expect(sw.code, sw.stderr).toBe(3);
    expect(essence(await status(layout))).toEqual(before);
  });

  it('refuses an operator certificate from another CA, made with whmcs-hactl pki', async () => {
    const pki = join(dir, 'rogue-pki');
    const init = await runBin('hactl', ['pki', 'init', '--dir', pki]);
    expect(init.code, init.stderr).toBe(0);
    const issue = await runBin('hactl', ['pki', 'issue', '--dir', pki, '--role', 'operator', '--name', 'mallory']);
    expect(issue.code, issue.stderr).toBe(0);
    const cfg = hactlConfig('rogue.yaml', { ca: join(pki, 'ca.pem'), cert: join(pki, 'operator-mallory.pem'), key: join(pki, 'operator-mallory.key') });
    const sw = await runBin('hactl', ['--config', cfg, 'switchover', '--to', 'web002', '--yes']);
    expect(sw.code, sw.stderr).toBe(3);
    // the rogue CA's certificate does not even pass the handshake, so no coordinator logged a call
    expect(essence(await status(layout))).toEqual(before);
  });

  it('lets a viewer read but refuses its switchover, pause and failover (exit 1, PERMISSION_DENIED)', async () => {
    const cfg = hactlConfig('viewer.yaml', labTls(layout, 'viewer', LAB_VIEWER));
    const st = await runBin('hactl', ['--config', cfg, 'status', '--json']);
    expect([0, 1], st.stderr).toContain(st.code);
    expect((JSON.parse(st.stdout) as StatusJson).active).toBe('web001');
    for (const args of [['switchover', '--to', 'web002'], ['pause'], ['failover', '--to', 'web002', '--force']]) {
      const r = await runBin('hactl', ['--config', cfg, ...args, '--yes']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/PERMISSION_DENIED.*not allowed to a viewer certificate \(lab-viewer\)/);
    }
    expect(essence(await status(layout))).toEqual(before);
  });

  it("refuses web002's agent certificate saying Hello for web001, logs it, and keeps web001's own stream", async () => {
    const s = await status(layout);
    const leader = coordinatorHosts(layout).find((h) => h.name === s.leader.id)!;
    const m = readTlsMaterial(labTls(layout, 'agent', 'web002'), { roles: ['agent'], name: 'web002' });
    const Ctor = clientConstructor('AgentLink');
    const c = new Ctor(coordinatorAddress(layout, leader), grpc.credentials.createSsl(m.ca, m.key, m.cert), CHANNEL_OPTIONS) as unknown as {
      Connect(): grpc.ClientDuplexStream<object, { body: string }>;
      close(): void;
    };
    const outcome = await new Promise<{ code: number; messages: string[] }>((resolve) => {
      const messages: string[] = [];
      const st = c.Connect();
      st.on('data', (msg) => messages.push(msg.body));
      st.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, messages }));
      st.on('end', () => resolve({ code: grpc.status.OK, messages }));
      st.write({ hello: { node: 'web001', agentVersion: 'impostor', highestEpoch: 0 } });
      // a report claiming web001's database is down, right behind the Hello
      st.write({ report: { node: 'web001', seq: 1, sentAtMs: Date.now(), highestEpoch: s.epoch, mysql: { up: false, error: 'impostor' } } });
    });
    c.close();
    expect(outcome).toEqual({ code: grpc.status.PERMISSION_DENIED, messages: [] });
    const log = readFileSync(join(layout.logsDir, `${leader.name}-coordinator.log`), 'utf8');
    expect(log).toMatch(/Hello for web001 from the certificate of agent web002/);
    // web001's real agent still reports on its own stream, and nothing moved
    await new Promise((r) => setTimeout(r, 1500));
    const after = await status(layout);
    const web001 = after.nodes.find((n) => n.name === 'web001')!;
    expect(web001.healthy).toBe(true);
    expect(web001.lastReportAgeMs).toBeLessThan(3000);
    expect(essence(after)).toEqual(before);
  });

  it('never shows a password or key in any log, the status output or the doctor', async () => {
    const secrets = readdirSync(layout.secretsDir)
      .filter((f) => f.endsWith('.password') || f.endsWith('.token'))
      .map((f) => readFileSync(join(layout.secretsDir, f), 'utf8').trim())
      .filter((v) => v.length >= 8);
    const pkiDir = join(layout.secretsDir, 'pki');
    // the body of every private key (a line of base64 is enough to recognise one)
    for (const f of readdirSync(pkiDir).filter((x) => x.endsWith('.key'))) {
      secrets.push(readFileSync(join(pkiDir, f), 'utf8').split('\n')[1]!);
    }
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    const outputs = [
      ...readdirSync(layout.logsDir).map((f) => readFileSync(join(layout.logsDir, f), 'utf8')),
      (await runBin('hactl', ['--config', layout.hactlFile, 'status', '--json'])).stdout,
      (await runBin('hactl', ['--config', layout.hactlFile, 'check', '--json'])).stdout,
      (await runBin('hactl', ['--config', layout.hactlFile, 'history', '--json'])).stdout,
    ];
    for (const secret of secrets) for (const text of outputs) expect(text.includes(secret)).toBe(false);
  });
});
