import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../../src/lb/http-check.js';
import { LbApplyError } from '../../src/lb/lb-writer.js';
import { NginxWriter } from '../../src/lb/nginx-writer.js';
import { startLoopbackNginx, type LoopbackNginx } from '../support/loopback-nginx.js';

// A real nginx on loopback: two "web nodes" (server blocks naming themselves
// in a header) and an LB server proxying to the managed upstream file.
let ng: LoopbackNginx;
let lbPort = 0;
let web1 = 0;
let conf = '';
let upstreamFile = '';
let nginxArgs: string[] = [];
let writer: NginxWriter;

async function whoAnswers(): Promise<{ status: number; node: string | null }> {
  const res = await httpCheck(`http://127.0.0.1:${lbPort}/`, 2000);
  return { status: res.status, node: (res.headers['x-whmcs-ha-node'] as string | undefined) ?? null };
}

const nodes = () => ng.nodes();

/** A writer of the loopback nginx's upstream, verifying through its LB port unless told otherwise. */
const writerWith = (o: Partial<ConstructorParameters<typeof NginxWriter>[0]> = {}) =>
  new NginxWriter({
    upstreamFile,
    upstreamName: 'whmcs_backend',
    nginxBinary: '/usr/sbin/nginx',
    nginxConfig: conf,
    nginxArgs,
    verifyUrl: `http://127.0.0.1:${lbPort}/`,
    ...o,
  });

beforeAll(async () => {
  ng = await startLoopbackNginx('nginx-writer');
  ({ lbPort, web1, conf, upstreamFile, args: nginxArgs } = ng);
  // generous: old workers can take a while to drain on a loaded machine
  writer = writerWith({ verifyTimeoutMs: 15_000 });
});

afterAll(async () => {
  await ng?.stop();
});

describe('NginxWriter against a real nginx', () => {
  it('switches the LB from web001 to web002 and verifies through the LB', async () => {
    const a = await writer.apply({ nodes: nodes(), targets: ['web001'], epoch: 1, reason: 'init' });
    expect(a.changed).toBe(true);
    expect(a.verifiedBy).toBe('web001');
    expect((await whoAnswers()).node).toBe('web001');
    const b = await writer.apply({ nodes: nodes(), targets: ['web002'], epoch: 2, reason: 'failover' });
    expect(b.verifiedBy).toBe('web002');
    for (let i = 0; i < 5; i++) expect((await whoAnswers()).node).toBe('web002');
    expect(readFileSync(upstreamFile, 'utf8')).toMatch(/server 127\.0\.0\.1:\d+ down; # web001\n {4}server 127\.0\.0\.1:\d+; # web002/);
  });

  it('does nothing when the servers are unchanged', async () => {
    const r = await writer.apply({ nodes: nodes(), targets: ['web002'], epoch: 3, reason: 'same' });
    expect(r.changed).toBe(false);
  });

  it('sends traffic nowhere mid-failover (502), verified', async () => {
    const r = await writer.apply({ nodes: nodes(), targets: [], epoch: 4, reason: 'fencing' });
    expect(r.changed).toBe(true);
    expect(await whoAnswers()).toEqual({ status: 502, node: null });
  });

  it('refuses a config nginx -t rejects and leaves the live file untouched', async () => {
    await writer.apply({ nodes: nodes(), targets: ['web001'], epoch: 5, reason: 'back' });
    const before = readFileSync(upstreamFile, 'utf8');
    const bad = writerWith({ upstreamName: 'two words', verifyUrl: undefined });
    const err = await bad.apply({ nodes: nodes(), targets: ['web002'], epoch: 6, reason: 'bad' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbApplyError);
    expect((err as LbApplyError).stage).toBe('test');
    expect(readFileSync(upstreamFile, 'utf8')).toBe(before);
    expect((await whoAnswers()).node).toBe('web001');
  });

  it('restores the previous file when verification finds the wrong node answering', async () => {
    const before = readFileSync(upstreamFile, 'utf8');
    // web002's address mistakenly points at web001's server: the LB answers as web001.
    const wrong = [nodes()[0]!, { name: 'web002', upstream: `127.0.0.1:${web1}` }];
    const impatient = writerWith({ verifyTimeoutMs: 2000 });
    const err = await impatient.apply({ nodes: wrong, targets: ['web002'], epoch: 7, reason: 'wrong' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LbApplyError);
    expect((err as LbApplyError).stage).toBe('verify');
    expect((err as LbApplyError).restored).toBe(true);
    expect(readFileSync(upstreamFile, 'utf8')).toBe(before);
    expect((await whoAnswers()).node).toBe('web001');
  });

  it('cuts verification short, keeping the new file, when a newer state is waiting (a frozen target must not hold back the next)', async () => {
    // the same wrong mapping as above would fail verification only after the whole timeout
    const wrong = [nodes()[0]!, { name: 'web002', upstream: `127.0.0.1:${web1}` }];
    const slow = writerWith({ verifyTimeoutMs: 10_000 });
    const t0 = performance.now();
    const newer = t0 + 300;
    const r = await slow.apply({ nodes: wrong, targets: ['web002'], epoch: 8, reason: 'frozen', superseded: () => performance.now() > newer });
    const ms = performance.now() - t0;
    expect(r).toMatchObject({ changed: true, superseded: true, verifiedBy: null });
    expect(ms).toBeLessThan(5000);
    // not restored: the newer state overwrites it next
    expect(readFileSync(upstreamFile, 'utf8')).toMatch(/# web002/);
    await writer.apply({ nodes: nodes(), targets: ['web001'], epoch: 9, reason: 'back' });
  });
});
