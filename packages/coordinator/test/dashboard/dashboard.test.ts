import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@whmcs-ha/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { OperatorToken } from '../../src/dashboard/operator-token.js';
import { freePort, startTrio, until } from '../observability/coordinator-trio.js';

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

describe('the dashboard against running coordinators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  const tokenFile = join(dir, 'operator.token');
  const token = 'x'.repeat(20) + Math.random().toString(36).slice(2);
  let trio: Awaited<ReturnType<typeof startTrio>>;
  let base: string;

  beforeAll(async () => {
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const port = await freePort();
    base = `127.0.0.1:${port}`;
    trio = await startTrio({ dashboard: { listen: base, operatorTokenFile: tokenFile } });
    await until('a leader', () => trio.coordinators.find((c) => c.raftStatus().role === 'leader'));
  });
  afterAll(async () => {
    await trio.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page and its script with a CSP that forbids inline scripts, and 404 elsewhere', async () => {
    const page = await fetch(`http://${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script src="/dashboard.js"></script>');
    expect(html).not.toMatch(/<script>/);
    const js = await fetch(`http://${base}/dashboard.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain("new WebSocket(");
    const api = (await (await fetch(`http://${base}/api/status`)).json()) as { answeredBy: string; nodes: unknown[] };
    expect(api.answeredBy).toBe('c1');
    expect(api.nodes).toHaveLength(2);
    expect((await fetch(`http://${base}/nope`)).status).toBe(404);
  });

  it('pushes the status object and the history over the WebSocket, read-only without a token', async () => {
    const { ws, next } = await connect(`ws://${base}/ws`);
    expect((await next((m) => m.type === 'operator')).operator).toBe(false);
    const s = (await next((m) => m.type === 'status')).status as { answeredBy: string; coordinators: Array<{ id: string }> };
    expect(s.answeredBy).toBe('c1');
    expect(s.coordinators.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(Array.isArray((await next((m) => m.type === 'history')).events)).toBe(true);
    // and again without asking (the periodic refresh)
    await next((m) => m.type === 'status');
    ws.send(JSON.stringify({ type: 'switchover', to: 'web002' }));
    expect(await next((m) => m.type === 'operate-result')).toMatchObject({ accepted: false, message: 'an operator token is required' });
    ws.send(JSON.stringify({ type: 'auth', token: 'wrong-token-of-some-length' }));
    expect((await next((m) => m.type === 'operator')).operator).toBe(false);
    ws.send('not json');
    expect((await next((m) => m.type === 'error')).message).toContain('JSON');
    ws.close();
  });

  it('grants the switchover to the operator token and carries it to the leader', async () => {
    const { ws, next } = await connect(`ws://${base}/ws`);
    ws.send(JSON.stringify({ type: 'auth', token }));
    expect((await next((m) => m.type === 'operator' && m.operator === true)).operator).toBe(true);
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
    expect(() => OperatorToken.load(loose, 'c.yaml')).toThrow(InputError);
    expect(() => OperatorToken.load(loose, 'c.yaml')).toThrow(/dashboard\.operatorTokenFile.*0600/);
    expect(() => OperatorToken.load(join(dir, 'missing'), 'c.yaml')).toThrow(/ENOENT/);
  });
});
