import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haproxyCommand } from '../../src/lb/haproxy-runtime.js';
import { HaproxyWriter, renderBackendServers } from '../../src/lb/haproxy-writer.js';
import { httpCheck } from '../../src/lb/http-check.js';
import { LbApplyError } from '../../src/lb/lb-writer.js';
import { freePort } from '../support/free-port.js';

// A real HAProxy on loopback with its Runtime API, in front of two tiny
// "web nodes" that name themselves in a header.
const dir = mkdtempSync(join(tmpdir(), 'wha-haproxy-'));
const cfgFile = join(dir, 'haproxy.cfg');
const sock = join(dir, 'admin.sock');
let lbPort = 0;
const backends: Server[] = [];
const ports: Record<string, number> = {};
let haproxy: ChildProcess | null = null;

function node(name: string): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer((_req, res) => {
      res.setHeader('x-whmcs-ha-node', name);
      res.end(`${name}\n`);
    });
    s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
    backends.push(s);
  });
}

async function startHaproxy(): Promise<void> {
  haproxy = spawn('/usr/sbin/haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let i = 0; i < 100; i++) {
    try {
      await haproxyCommand(sock, 'show info');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('haproxy did not start');
}

async function stopHaproxy(): Promise<void> {
  if (!haproxy) return;
  const p = haproxy;
  haproxy = null;
  await new Promise<void>((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

async function whoAnswers(): Promise<string | null> {
  const r = await httpCheck(`http://127.0.0.1:${lbPort}/`, 2000);
  return (r.headers['x-whmcs-ha-node'] as string | undefined) ?? null;
}

const nodes = () => [
  { name: 'web001', upstream: `127.0.0.1:${ports.web001}` },
  { name: 'web002', upstream: `127.0.0.1:${ports.web002}` },
];

let writer: HaproxyWriter;

beforeAll(async () => {
  ports.web001 = await node('web001');
  ports.web002 = await node('web002');
  lbPort = await freePort();
  writeFileSync(
    cfgFile,
    `global
    stats socket ${sock} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s

frontend fe
    bind 127.0.0.1:${lbPort}
    default_backend whmcs

backend whmcs
    server web001 127.0.0.1:${ports.web001}
    server web002 127.0.0.1:${ports.web002} disabled
`,
  );
  await startHaproxy();
  writer = new HaproxyWriter({ socket: sock, backend: 'whmcs', configFile: cfgFile, verifyUrl: `http://127.0.0.1:${lbPort}/`, verifyTimeoutMs: 15_000 });
});

afterAll(async () => {
  await stopHaproxy();
  for (const s of backends) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HaproxyWriter against a real HAProxy', () => {
  it('starts with web001 serving', async () => {
    expect(await whoAnswers()).toBe('web001');
  });

  it('switches to web002 through the Runtime API and keeps the config file in step', async () => {
    const r = await writer.apply({ nodes: nodes(), targets: ['web002'], epoch: 2, reason: 'switchover' });
    expect(r.changed).toBe(true);
    expect(r.verifiedBy).toBe('web002');
    for (let i = 0; i < 5; i++) expect(await whoAnswers()).toBe('web002');
    const cfg = readFileSync(cfgFile, 'utf8');
    expect(cfg).toMatch(/server web001 127\.0\.0\.1:\d+ disabled\n/);
    expect(cfg).toMatch(/server web002 127\.0\.0\.1:\d+\n/);
  });

  it('keeps the state across a restart of HAProxy (the config says the same)', async () => {
    await stopHaproxy();
    await startHaproxy();
    for (let i = 0; i < 5; i++) expect(await whoAnswers()).toBe('web002');
    const again = await writer.apply({ nodes: nodes(), targets: ['web002'], epoch: 3, reason: 'same' });
    expect(again.changed).toBe(false);
  });

  it('sends traffic nowhere mid-failover (503)', async () => {
    await writer.apply({ nodes: nodes(), targets: [], epoch: 4, reason: 'fencing' });
    const r = await httpCheck(`http://127.0.0.1:${lbPort}/`, 2000);
    expect(r.status).toBe(503);
  });

  it('names the missing server line rather than guessing', () => {
    expect(() => renderBackendServers('backend whmcs\n    server web001 1.2.3.4:80\n', 'whmcs', { web001: 'ready', web003: 'maint' })).toThrow(
      /backend whmcs in the config has no server line for web003/,
    );
  });

  it('restores the previous state when verification fails', async () => {
    await writer.apply({ nodes: nodes(), targets: ['web001'], epoch: 5, reason: 'back' });
    const before = readFileSync(cfgFile, 'utf8');
    const liar = [nodes()[0]!, { name: 'web002', upstream: 'unused:1' }];
    // the verify URL answers as web001, so a switch "to web002" cannot be verified
    const w = new HaproxyWriter({ socket: sock, backend: 'whmcs', configFile: cfgFile, verifyUrl: `http://127.0.0.1:${ports.web001}/`, verifyTimeoutMs: 500 });
    const err = await w.apply({ nodes: liar, targets: ['web002'], epoch: 6, reason: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbApplyError);
    expect((err as LbApplyError).stage).toBe('verify');
    expect(readFileSync(cfgFile, 'utf8')).toBe(before);
    expect(await whoAnswers()).toBe('web001');
  });
});
