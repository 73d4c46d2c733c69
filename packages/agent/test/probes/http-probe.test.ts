import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProbe } from '../../src/probes/http-probe.js';

let server: Server;
let port: number;
let hang = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (hang) return; // never answers
    if (req.url === '/health') res.end('ok');
    else {
      res.statusCode = 503;
      res.end('down');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('HttpProbe against a real loopback HTTP server', () => {
  it('2xx is up', async () => {
    const s = await new HttpProbe(`http://127.0.0.1:${port}/health`, 1000).probe();
    expect(s).toMatchObject({ up: true, status: 200, error: '' });
  });
  it('503 is down with the status', async () => {
    const s = await new HttpProbe(`http://127.0.0.1:${port}/other`, 1000).probe();
    expect(s).toMatchObject({ up: false, status: 503, error: 'HTTP 503' });
  });
  it('a server that never answers is down within the timeout', async () => {
    hang = true;
    const t0 = Date.now();
    const s = await new HttpProbe(`http://127.0.0.1:${port}/health`, 200).probe();
    hang = false;
    expect(s.up).toBe(false);
    expect(s.error).toMatch(/timed out/);
    expect(Date.now() - t0).toBeLessThan(400);
  });
  it('connection refused is down', async () => {
    const s = await new HttpProbe('http://127.0.0.1:1/health', 500).probe();
    expect(s.up).toBe(false);
    expect(s.error).toMatch(/ECONNREFUSED/);
  });
});
