import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParams, fastcgiRequest, getParams } from '../../src/probes/fastcgi-client.js';
import { PhpFpmProbe } from '../../src/probes/php-fpm-probe.js';
import { startPhpFpm, type PhpFpmServer } from '../support/php-fpm-server.js';

let dir: string;
let fpm: PhpFpmServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-fpm-'));
  fpm = await startPhpFpm(dir);
}, 30_000);

afterAll(async () => {
  await fpm?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('FastCGI client against a real php-fpm', () => {
  it('encodes long name-value lengths with four bytes', () => {
    const b = encodeParams({ K: 'x'.repeat(200) });
    expect(b[0]).toBe(1);
    expect(b.readUInt32BE(1)).toBe((200 | 0x80000000) >>> 0);
  });

  it('gets pong over the unix socket and over TCP', async () => {
    const u = await fastcgiRequest({ socket: fpm.socket }, getParams('/fpm-ping'), 2000);
    expect(u.status).toBe(200);
    expect(u.body).toBe('pong');
    const t = await fastcgiRequest({ host: '127.0.0.1', port: fpm.port }, getParams('/fpm-ping'), 2000);
    expect(t.body).toBe('pong');
  });

  it('runs a PHP script (stdout parsed as CGI output)', async () => {
    const file = join(fpm.docroot, 'health.php');
    const r = await fastcgiRequest({ socket: fpm.socket }, { ...getParams('/health.php'), SCRIPT_FILENAME: file }, 5000);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toBe('ok');
  });

  it('reports a 404 for a missing script as status 404', async () => {
    const r = await fastcgiRequest({ socket: fpm.socket }, { ...getParams('/nope.php'), SCRIPT_FILENAME: join(fpm.docroot, 'nope.php') }, 5000);
    expect(r.status).toBe(404);
  });
});

describe('PhpFpmProbe', () => {
  it('reports the unix-socket pool with its status counters', async () => {
    const probe = new PhpFpmProbe({ target: { socket: fpm.socket }, pingPath: '/fpm-ping', statusPath: '/fpm-status', timeoutMs: 2000 });
    const a = await probe.probe();
    const b = await probe.probe();
    expect(a.up).toBe(true);
    expect(a.error).toBe('');
    expect(a.pool).toBe('sockpool');
    expect(a.totalProcesses).toBe(2);
    expect(a.activeProcesses + a.idleProcesses).toBe(2);
    // the status request itself is being served by one worker
    expect(a.activeProcesses).toBeGreaterThanOrEqual(1);
    expect(a.listenQueue).toBe(0);
    expect(a.maxChildrenReached).toBe(0);
    expect(a.slowRequests).toBe(0);
    // every probe makes two requests (ping + status), which FPM counts
    expect(b.acceptedConn).toBe(a.acceptedConn + 2);
    expect(a.latencyMs).toBeGreaterThan(0);
  });

  it('reports the TCP pool', async () => {
    const probe = new PhpFpmProbe({ target: { host: '127.0.0.1', port: fpm.port }, pingPath: '/fpm-ping', statusPath: '/fpm-status', timeoutMs: 2000 });
    const s = await probe.probe();
    expect(s).toMatchObject({ up: true, pool: 'tcppool', totalProcesses: 2 });
  });

  it('reports a wrong ping path as down', async () => {
    const probe = new PhpFpmProbe({ target: { socket: fpm.socket }, pingPath: '/wrong-ping', statusPath: '/fpm-status', timeoutMs: 2000 });
    const s = await probe.probe();
    expect(s.up).toBe(false);
    expect(s.error).toMatch(/wrong-ping/);
  });

  it('reports a stopped php-fpm down (socket gone), a SIGSTOPped one down within the timeout', async () => {
    const probe = new PhpFpmProbe({ target: { host: '127.0.0.1', port: fpm.port }, pingPath: '/fpm-ping', statusPath: '/fpm-status', timeoutMs: 300 });
    process.kill(fpm.proc.pid, 'SIGSTOP');
    // workers keep serving while the master is paused; pause the whole process group of workers too
    const { execFileSync } = await import('node:child_process');
    const workers = execFileSync('pgrep', ['-P', String(fpm.proc.pid)]).toString().trim().split('\n').map(Number);
    for (const w of workers) process.kill(w, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const s = await probe.probe();
      expect(s.up).toBe(false);
      expect(s.error).toMatch(/timed out/);
      expect(Date.now() - t0).toBeLessThan(300 + 100);
    } finally {
      for (const w of workers) process.kill(w, 'SIGCONT');
      process.kill(fpm.proc.pid, 'SIGCONT');
    }
    await fpm.stop();
    const down = await new PhpFpmProbe({ target: { socket: fpm.socket }, pingPath: '/fpm-ping', statusPath: '/fpm-status', timeoutMs: 300 }).probe();
    expect(down.up).toBe(false);
    expect(down.error).toMatch(/ENOENT|ECONNREFUSED/);
  });
});
