import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { grpc, serviceDefinition, type ClusterStatus } from '@whmcs-ha/shared';
import { BadReplyError, ControlClient, operateAccepted } from '../src/control-client.js';
import { clusterStatus, nodeStatus } from './support/status-fixture.js';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');

/** A status object as a coordinator with an LB sends it (every field of DESIGN §11 and the rest). */
function goodStatus(): ClusterStatus {
  return clusterStatus([nodeStatus('web001', 'active', false), nodeStatus('web002', 'passive', true)], {
    excluded: { web003: { reason: 'errant transactions', errant: '1-1-11', at: 5 } },
    lastDecision: { at: 7, sentence: 'no action: all healthy', warnings: [] },
    lb: { coordinator: 'lb1', kind: 'nginx', applied: ['web001'], wanted: ['web001'], lastError: null, lastApplyMs: 40 },
  });
}

/** What the stub Control service answers: JSON strings, sent as they are. */
const replies = { status: '', history: '', check: '', operate: '' };

describe('whmcs-hactl validates what a coordinator sends', () => {
  let server: grpc.Server;
  let endpoint: string;
  let client: ControlClient;

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(serviceDefinition('Control'), {
      Status: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { json: replies.status, fromLeader: true }),
      History: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { json: replies.history, fromLeader: true }),
      Check: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { json: replies.check }),
      Operate: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { accepted: true, message: 'ok', leaderId: 'lb1', leaderAddress: '', json: replies.operate }),
      Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    endpoint = `127.0.0.1:${port}`;
    client = new ControlClient([endpoint], 5000);
  });
  afterAll(() => {
    client.close();
    server.forceShutdown();
  });
  beforeEach(() => {
    replies.status = JSON.stringify(goodStatus());
  });

  it('takes a well-formed status as sent, with the LB gathered after it', async () => {
    const { status } = await client.status();
    expect(JSON.stringify(status)).toBe(`${replies.status.slice(0, -1)},"loadBalancers":[${JSON.stringify(goodStatus().lb)}]}`);
  });

  it('accepts, and keeps, fields it does not know (a newer coordinator adds fields)', async () => {
    const s = goodStatus() as ClusterStatus & Record<string, unknown>;
    s.futureTop = { any: 'thing' };
    (s.nodes[0]!.mysql as Record<string, unknown>).futureNested = 42;
    (s.lb as Record<string, unknown>).futureLb = true;
    replies.status = JSON.stringify(s);
    const { status } = await client.status();
    expect(status.futureTop).toEqual({ any: 'thing' });
    expect(status.nodes[0]!.mysql.futureNested).toBe(42);
    expect(status.loadBalancers[0]!.futureLb).toBe(true);
  });

  it('refuses a status with a wrong type, naming the coordinator and the field (exit code 1)', async () => {
    const s = goodStatus();
    (s.nodes[0]!.mysql as Record<string, unknown>).readOnly = 'yes';
    replies.status = JSON.stringify(s);
    const e = await client.status().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(BadReplyError);
    expect((e as BadReplyError).exitCode).toBe(1);
    expect((e as Error).message).toBe(`status from lb1 (${endpoint}): nodes.0.mysql.readOnly: Invalid input: expected boolean, received string`);
  });

  it.each([
    ['a missing field', (s: Record<string, unknown>) => delete s.epoch, 'epoch: Invalid input: expected number, received undefined'],
    ['a null where a value must be', (s: Record<string, unknown>) => (s.leader = null), 'leader: Invalid input: expected object, received null'],
    ['an unknown semi-sync state', (s: Record<string, unknown>) => (((s.nodes as Array<{ mysql: Record<string, unknown> }>)[1]!.mysql.semiSync = 'maybe')), 'nodes.1.mysql.semiSync: Invalid option: expected one of "on"|"async"|"off"'],
    ['a bad operation', (s: Record<string, unknown>) => (s.operation = { kind: 'switchover' }), 'operation.id: Invalid input: expected string, received undefined'],
  ])('refuses %s', async (_what, spoil, problem) => {
    const s = goodStatus() as unknown as Record<string, unknown>;
    spoil(s);
    replies.status = JSON.stringify(s);
    await expect(client.status()).rejects.toThrow(`status from lb1 (${endpoint}): ${problem}`);
  });

  it('refuses a reply that is not JSON, naming the endpoint', async () => {
    replies.status = '{"mode": ';
    await expect(client.status()).rejects.toThrow(new RegExp(`^status from ${endpoint}: not JSON`));
  });

  it('validates the history, the doctor and the operate reply too', async () => {
    replies.history = JSON.stringify([{ at: 1, kind: 'init', text: 'cluster initialised', epoch: 1, extra: 'kept' }]);
    expect(await client.history(5)).toEqual([{ at: 1, kind: 'init', text: 'cluster initialised', epoch: 1, extra: 'kept' }]);
    replies.history = JSON.stringify([{ at: 1, kind: 'init', text: 'cluster initialised' }]);
    await expect(client.history(5)).rejects.toThrow(`history from ${endpoint}: 0.epoch: Invalid input: expected number, received undefined`);

    const report = { ok: true, counts: { pass: 1, warn: 0, fail: 0 }, checks: [{ id: 'agents', title: 'Agents', status: 'pass', detail: 'all report', fix: '' }], answeredBy: 'lb1' };
    replies.check = JSON.stringify(report);
    expect(await client.check()).toEqual(report);
    replies.check = JSON.stringify({ ...report, checks: [{ ...report.checks[0], status: 'ok' }] });
    await expect(client.check()).rejects.toThrow(`check from lb1 (${endpoint}): checks.0.status: Invalid option: expected one of "pass"|"warn"|"fail"`);

    replies.operate = JSON.stringify({ opId: 'op1', to: 'web002', epoch: 4 });
    expect(operateAccepted(await client.operate({ action: 'switchover' }))).toEqual({ opId: 'op1', to: 'web002', epoch: 4 });
    replies.operate = JSON.stringify({ opId: 'op1', to: 'web002', epoch: '4' });
    expect(() => operateAccepted({ accepted: true, message: '', leaderId: 'lb1', leaderAddress: '', json: replies.operate })).toThrow(
      'operate reply from lb1: epoch: Invalid input: expected number, received string',
    );
  });

  it('whmcs-hactl status exits 1 with the field named on stderr', async () => {
    const s = goodStatus();
    (s.nodes[0]!.mysql as Record<string, unknown>).readOnly = 'yes';
    replies.status = JSON.stringify(s);
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', MAIN, '--endpoint', endpoint, 'status', '--json'], { timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: status from lb1 (${endpoint}): nodes.0.mysql.readOnly: Invalid input: expected boolean, received string\n`);
    expect(r.code).toBe(1);
  });
});
