import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, isLoopbackListen } from '@whmcs-ha/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BearerToken } from '../../src/dashboard/bearer-token.js';
import { freePort, startTrio, until } from '../observability/coordinator-trio.js';
import { minimalCoordinatorInput } from '../../../shared/test/support/coordinator-input.js';

type Msg = { type: string; [k: string]: unknown };

/** A WebSocket client that keeps every message, with a wait for the next one matching. */
async function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; next: (f: (m: Msg) => boolean) => Promise<Msg> }> {
  const ws = new WebSocket(url, { headers });
  const seen: Msg[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    seen.push(JSON.parse(String(d)) as Msg);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let from = 0;
  const next = async (f: (m: Msg) => boolean): Promise<Msg> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const i = seen.findIndex((m, k) => k >= from && f(m));
      if (i >= 0) {
        from = i + 1;
        return seen[i]!;
      }
      if (Date.now() > deadline) throw new Error(`no matching message; seen ${JSON.stringify(seen.slice(from)).slice(0, 500)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { ws, next };
}

const repo = join(import.meta.dirname, '..', '..', '..', '..');

/** Every message a socket receives in `ms`. */
async function collect(ws: WebSocket, ms: number): Promise<Msg[]> {
  const got: Msg[] = [];
  const on = (d: WebSocket.RawData) => got.push(JSON.parse(String(d)) as Msg);
  ws.on('message', on);
  await new Promise((r) => setTimeout(r, ms));
  ws.off('message', on);
  return got;
}

describe('the dashboard against running coordinators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  const tokenFile = join(dir, 'operator.token');
  const viewerFile = join(dir, 'viewer.token');
  const token = 'x'.repeat(20) + Math.random().toString(36).slice(2);
  const viewer = 'v'.repeat(20) + Math.random().toString(36).slice(2);
  let trio: Awaited<ReturnType<typeof startTrio>>;
  let base: string;

  beforeAll(async () => {
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    writeFileSync(viewerFile, `${viewer}\n`, { mode: 0o600 });
    const port = await freePort();
    base = `127.0.0.1:${port}`;
    trio = await startTrio({ dashboard: { listen: base, operatorTokenFile: tokenFile, viewerTokenFile: viewerFile } });
    await until('a leader', () => trio.coordinators.find((c) => c.raftStatus().role === 'leader'));
  });
  afterAll(async () => {
    await trio.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and its script without a credential, with a CSP that forbids inline scripts, and 404 elsewhere', async () => {
    const page = await fetch(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard.js"></script>');
    expect(html).toContain('type="password"');
    expect(html).not.toMatch(/<script>/);
    const js = await fetch(`http://${base}/dashboard.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    const script = await js.text();
    expect(script).toContain('new WebSocket(');
    expect(script).toContain('sessionStorage');
    expect(script).not.toContain('localStorage');
    expect((await fetch(`http://${base}/nope`)).status).toBe(404);
  });

  it('answers /api/status 401 without a token or with a wrong one, 200 with the viewer or the operator token', async () => {
    const none = await fetch(`http://${base}/api/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('answeredBy');
    const wrong = await fetch(`http://${base}/api/status`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } });
    expect(wrong.status).toBe(401);
    const basic = await fetch(`http://${base}/api/status`, { headers: { authorization: `Basic ${viewer}` } });
    expect(basic.status).toBe(401);
    for (const t of [viewer, token]) {
      const ok = await fetch(`http://${base}/api/status`, { headers: { authorization: `Bearer ${t}` } });
      expect(ok.status).toBe(200);
      const api = (await ok.json()) as { answeredBy: string; nodes: unknown[] };
      expect(api.answeredBy).toBe('c1');
      expect(api.nodes).toHaveLength(2);
    }
  });

  it('sends nothing over the WebSocket before a token, and nothing after a wrong one; closes after repeated failures', async () => {
    const { ws, next } = await connect(`ws://${base}/ws`);
    expect(await next((m) => m.type === 'hello')).toMatchObject({ authRequired: true });
    // more than one periodic refresh goes by: still nothing but the hello
    const quiet = await collect(ws, 2500);
    expect(quiet.map((m) => m.type)).toEqual([]);
    ws.send(JSON.stringify({ type: 'switchover', to: 'web002' }));
    expect(await next((m) => m.type === 'operate-result')).toMatchObject({ accepted: false });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const after: Msg[] = [];
    ws.on('message', (d) => after.push(JSON.parse(String(d)) as Msg));
    for (let i = 0; i < 3; i++) {
      ws.send(JSON.stringify({ type: 'auth', token: `wrong-token-of-some-length-${i}` }));
      expect(await next((m) => m.type === 'auth-refused')).toMatchObject({ message: 'wrong token' });
    }
    expect(await closed).toBe(1008);
    expect(after.filter((m) => m.type === 'status' || m.type === 'history' || m.type === 'role')).toEqual([]);
    expect(JSON.stringify(after)).not.toContain('answeredBy');
  });

  it('gives the viewer token the status and history, and refuses its switchover', async () => {
    const { ws, next } = await connect(`ws://${base}/ws`);
    await next((m) => m.type === 'hello');
    ws.send(JSON.stringify({ type: 'auth', token: viewer }));
    expect(await next((m) => m.type === 'role')).toMatchObject({ role: 'viewer' });
    const s = (await next((m) => m.type === 'status')).status as { answeredBy: string; coordinators: Array<{ id: string }> };
    expect(s.answeredBy).toBe('c1');
    expect(s.coordinators.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(Array.isArray((await next((m) => m.type === 'history')).events)).toBe(true);
    // and again without asking (the periodic refresh)
    await next((m) => m.type === 'status');
    ws.send(JSON.stringify({ type: 'switchover', to: 'web002' }));
    expect(await next((m) => m.type === 'operate-result')).toMatchObject({ accepted: false, message: 'an operator token is required' });
    ws.send('not json');
    expect((await next((m) => m.type === 'error')).message).toContain('JSON');
    ws.send('null');
    expect((await next((m) => m.type === 'error')).message).toContain('JSON');
    // a wrong token takes the reading back
    ws.send(JSON.stringify({ type: 'auth', token: 'wrong-token-of-some-length' }));
    await next((m) => m.type === 'auth-refused');
    const quiet = await collect(ws, 2500);
    expect(quiet.filter((m) => m.type === 'status' || m.type === 'history')).toEqual([]);
    ws.close();
  });

  it('grants the switchover to the operator token and carries it to the leader', async () => {
    const { ws, next } = await connect(`ws://${base}/ws`);
    ws.send(JSON.stringify({ type: 'auth', token }));
    expect(await next((m) => m.type === 'role')).toMatchObject({ role: 'operator' });
    await next((m) => m.type === 'status');
    ws.send(JSON.stringify({ type: 'switchover', to: 'Bad Name' }));
    expect((await next((m) => m.type === 'operate-result')).message).toBe('to: must be a node name');
    // no agents report here, so the leader itself refuses: the answer is its planning, not a redirect
    // (asked again while an election is under way on a loaded machine)
    let r: Msg = { type: '' };
    for (let i = 0; i < 20; i++) {
      ws.send(JSON.stringify({ type: 'switchover', to: 'web002' }));
      r = await next((m) => m.type === 'operate-result');
      if (!/no leader is elected|not the leader/.test(String(r.message))) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(r.accepted).toBe(false);
    expect(r.message).toMatch(/not initialised/);
    ws.close();
  });

  it('refuses a WebSocket from another origin', async () => {
    await expect(connect(`ws://${base}/ws`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('refuses a token file others can read, naming the field', () => {
    const loose = join(dir, 'loose.token');
    writeFileSync(loose, token);
    chmodSync(loose, 0o644);
    expect(() => BearerToken.load(loose, 'dashboard.viewerTokenFile', 'c.yaml')).toThrow(InputError);
    expect(() => BearerToken.load(loose, 'dashboard.viewerTokenFile', 'c.yaml')).toThrow(/dashboard\.viewerTokenFile.*0600/);
    expect(() => BearerToken.load(loose, 'dashboard.operatorTokenFile', 'c.yaml')).toThrow(/dashboard\.operatorTokenFile.*0600/);
    expect(() => BearerToken.load(join(dir, 'missing'), 'dashboard.viewerTokenFile', 'c.yaml')).toThrow(/ENOENT/);
  });
});

describe('the dashboard on loopback without tokens', () => {
  let trio: Awaited<ReturnType<typeof startTrio>>;
  let base: string;

  beforeAll(async () => {
    base = `127.0.0.1:${await freePort()}`;
    trio = await startTrio({ dashboard: { listen: base } });
  });
  afterAll(async () => trio.stop());

  it('reads openly, as a viewer that cannot switch over', async () => {
    expect((await fetch(`http://${base}/api/status`)).status).toBe(200);
    const { ws, next } = await connect(`ws://${base}/ws`);
    expect(await next((m) => m.type === 'hello')).toMatchObject({ authRequired: false });
    expect(await next((m) => m.type === 'role')).toMatchObject({ role: 'viewer' });
    expect(((await next((m) => m.type === 'status')).status as { answeredBy: string }).answeredBy).toBe('c1');
    ws.send(JSON.stringify({ type: 'switchover', to: 'web002' }));
    expect(await next((m) => m.type === 'operate-result')).toMatchObject({ accepted: false, message: 'an operator token is required' });
    ws.close();
  });
});

/** The built coordinator binary, as installed. */
function runCoordinator(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repo, 'packages', 'coordinator', 'dist', 'main.js'), ...args],
      // a config wrongly accepted starts the daemon: it is killed and fails on its exit code
      { timeout: 20_000, env: { ...process.env, WHA_LOG_LEVEL: 'silent' } },
      (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr: String(stderr) }),
    );
  });
}

describe('whmcs-ha-coordinator: a dashboard others can reach needs a token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-cfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (dashboard: Record<string, unknown>) => ({ ...minimalCoordinatorInput(join(dir, 'data')), insecure: true, dashboard });

  it('counts only 127.0.0.0/8, [::1] and localhost as loopback', () => {
    for (const l of ['127.0.0.1:7480', '127.1.2.3:1', '[::1]:7480', 'localhost:7480']) expect(isLoopbackListen(l), l).toBe(true);
    for (const l of ['0.0.0.0:7480', '[::]:7480', '10.0.0.1:7480', '128.0.0.1:7480', 'localhost.evil.example:7480', '127.0.0.1.nip.io:7480', '[::ffff:127.0.0.1]:7480']) {
      expect(isLoopbackListen(l), l).toBe(false);
    }
  });

  it.each([['0.0.0.0:7480'], ['198.18.5.20:7480'], ['[::]:7480'], ['dashboard.example:7480']])('refuses dashboard.listen %s without a token file, exit 2', async (listen) => {
    const file = join(dir, `c-${listen.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(file, JSON.stringify(config({ listen }))); // JSON is YAML
    const r = await runCoordinator(['--config', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}: dashboard.viewerTokenFile:`);
  });

  it('names dashboard.viewerTokenFile when the viewer token file is readable by others, exit 2', async () => {
    const loose = join(dir, 'loose.token');
    writeFileSync(loose, 'l'.repeat(24));
    chmodSync(loose, 0o644);
    const file = join(dir, 'c-loose.yaml');
    writeFileSync(file, JSON.stringify(config({ listen: '0.0.0.0:7480', viewerTokenFile: loose })));
    const r = await runCoordinator(['--config', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('dashboard.viewerTokenFile:');
    expect(r.stderr).toContain('0600');
  });
});
