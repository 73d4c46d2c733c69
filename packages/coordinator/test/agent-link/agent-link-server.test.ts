import {
  CHANNEL_OPTIONS,
  clientConstructor,
  grpc,
  serviceDefinition,
  SERVER_OPTIONS,
  type AgentMessage,
  type CoordinatorMessage,
  type Report,
} from '@whmcs-ha/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentLinkServer } from '../../src/agent-link/agent-link-server.js';

type Duplex = grpc.ClientDuplexStream<AgentMessage, CoordinatorMessage>;

let server: grpc.Server;
let links: AgentLinkServer;
let client: grpc.Client & { Connect: () => Duplex };
const leadership = { leader: true, term: 4 };

beforeAll(async () => {
  links = new AgentLinkServer({ coordinatorId: 'lb1', leadership: () => leadership });
  server = new grpc.Server(SERVER_OPTIONS);
  server.addService(serviceDefinition('AgentLink'), links.grpcImplementation());
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const Ctor = clientConstructor('AgentLink');
  client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS) as unknown as typeof client;
});

afterAll(() => {
  client.close();
  links.close();
  server.forceShutdown();
});

/** Opens a stream and collects what the server sends; `closed` resolves with the final status. */
function open(): { call: Duplex; got: CoordinatorMessage[]; closed: Promise<grpc.StatusObject> } {
  const call = client.Connect();
  const got: CoordinatorMessage[] = [];
  call.on('data', (m: CoordinatorMessage) => got.push(m));
  call.on('error', () => undefined);
  const closed = new Promise<grpc.StatusObject>((r) => call.on('status', r));
  return { call, got, closed };
}

const until = async (what: string, f: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const report = (node: string, seq: number): Report => ({
  node,
  seq,
  sentAtMs: Date.now(),
  highestEpoch: 2,
  mysql: null,
  phpFpm: { up: true, latencyMs: 1, error: '', pool: 'www', acceptedConn: 5, listenQueue: 0, activeProcesses: 1, idleProcesses: 1, totalProcesses: 2, maxChildrenReached: 0, slowRequests: 0, pingPath: '/fpm-ping', statusPath: '/fpm-status', pingOk: true, statusOk: true },
  http: null,
  files: { rootDigest: 'a'.repeat(64), fileCount: 3, totalBytes: 10, scannedAtMs: 1, error: '', ready: true },
  installPath: '/var/www/whmcs',
  whmcs: null,
  leaseEpoch: 0,
  leaseExpiresAtMs: 0,
});

describe('AgentLinkServer', () => {
  it('welcomes a Hello with the leadership, keeps the latest report and its receive time, emits events', async () => {
    const events: string[] = [];
    links.on('connection', (n, up) => events.push(`${n}:${up}`));
    const { call, got } = open();
    call.write({ body: 'hello', hello: { node: 'web001', agentVersion: '0.1.0', highestEpoch: 2 } } as AgentMessage);
    await until('welcome', () => got.length > 0);
    expect(got[0]).toMatchObject({ body: 'welcome', welcome: { coordinatorId: 'lb1', leader: true, term: 4 } });
    const t0 = Date.now();
    call.write({ body: 'report', report: report('web001', 1) } as AgentMessage);
    call.write({ body: 'report', report: report('web001', 2) } as AgentMessage);
    await until('report', () => links.node('web001')?.report?.seq === 2);
    const st = links.node('web001')!;
    expect(st).toMatchObject({ connected: true, agentVersion: '0.1.0', highestEpoch: 2 });
    expect(st.receivedAtMs).toBeGreaterThanOrEqual(t0);
    expect(st.report!.files!.fileCount).toBe(3);
    // leadership changes reach connected agents
    leadership.term = 5;
    links.announceLeadership();
    await until('second welcome', () => got.length > 1);
    expect(got[1]!.welcome!.term).toBe(5);
    call.end();
    await until('disconnect', () => !links.node('web001')!.connected);
    expect(events).toEqual(['web001:true', 'web001:false']);
    expect(links.node('web001')!.report!.seq).toBe(2); // the last report stays
  });

  it('refuses and counts bad messages without crashing: a bad Hello ends the stream, a bad report is dropped', async () => {
    const before = links.invalidMessages;
    const a = open();
    a.call.write({ body: 'hello', hello: { node: 'Not A Valid Name!', agentVersion: '1', highestEpoch: 0 } } as AgentMessage);
    const st = await a.closed;
    expect(st.code).toBe(grpc.status.INVALID_ARGUMENT);
    const b = open();
    b.call.write({ body: 'report', report: report('web002', 1) } as AgentMessage);
    expect((await b.closed).code).toBe(grpc.status.FAILED_PRECONDITION);

    const c = open();
    c.call.write({ body: 'hello', hello: { node: 'web003', agentVersion: '1', highestEpoch: 0 } } as AgentMessage);
    await until('welcome', () => c.got.length > 0);
    const bad = report('web003', 1);
    bad.files!.rootDigest = 'not-a-digest';
    c.call.write({ body: 'report', report: bad } as AgentMessage);
    c.call.write({ body: 'report', report: report('web001', 7) } as AgentMessage); // for another node
    c.call.write({ body: 'report', report: report('web003', 2) } as AgentMessage);
    await until('good report', () => links.node('web003')?.report?.seq === 2);
    expect(links.invalidMessages - before).toBe(4);
    expect(links.node('web001')!.report!.seq).toBe(2);
    c.call.end();
  });

  it('sendCommand resolves with the matching result, rejects on timeout and when the stream ends', async () => {
    const { call, got } = open();
    call.write({ body: 'hello', hello: { node: 'web004', agentVersion: '1', highestEpoch: 0 } } as AgentMessage);
    await until('welcome', () => got.length > 0);
    const p = links.sendCommand('web004', { id: 'x1', term: 5, epoch: 3, kind: 'setReadOnly', setReadOnly: {} }, 2000);
    await until('command', () => got.some((m) => m.body === 'command'));
    const c = got.find((m) => m.body === 'command')!.command!;
    expect(c).toMatchObject({ id: 'x1', node: 'web004', term: 5, epoch: 3, kind: 'setReadOnly' });
    call.write({ body: 'result', result: { id: 'x1', node: 'web004', epoch: 3, ok: true, error: '', durationMs: 3, detail: '{}' } } as AgentMessage);
    await expect(p).resolves.toMatchObject({ id: 'x1', ok: true });
    const t0 = Date.now();
    await expect(links.sendCommand('web004', { id: 'x2', term: 5, epoch: 3, kind: 'stopReplica', stopReplica: { disconnectReplicas: false } }, 200)).rejects.toThrow(/no result for command x2 from web004 within 200 ms/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const pending = links.sendCommand('web004', { id: 'x3', term: 5, epoch: 3, kind: 'stopReplica', stopReplica: { disconnectReplicas: false } }, 5000);
    expect(links.sendLease('web004', { node: 'web004', epoch: 3, term: 5, durationMs: 10_000 })).toBe(true);
    await until('lease', () => got.some((m) => m.body === 'lease'));
    call.end();
    await expect(pending).rejects.toThrow(/stream from web004 ended/);
    expect(links.sendLease('web004', { node: 'web004', epoch: 3, term: 5, durationMs: 10_000 })).toBe(false);
  });

  it('a reconnecting agent replaces its old stream', async () => {
    const a = open();
    a.call.write({ body: 'hello', hello: { node: 'web005', agentVersion: '1', highestEpoch: 0 } } as AgentMessage);
    await until('welcome a', () => a.got.length > 0);
    const b = open();
    b.call.write({ body: 'hello', hello: { node: 'web005', agentVersion: '2', highestEpoch: 1 } } as AgentMessage);
    await until('welcome b', () => b.got.length > 0);
    await a.closed;
    expect(links.node('web005')).toMatchObject({ connected: true, agentVersion: '2', highestEpoch: 1 });
    const p = links.sendCommand('web005', { id: 'y', term: 5, epoch: 1, kind: 'setReadOnly', setReadOnly: {} }, 2000);
    await until('command on b', () => b.got.some((m) => m.body === 'command'));
    b.call.write({ body: 'result', result: { id: 'y', node: 'web005', epoch: 1, ok: false, error: 'refused: x', durationMs: 0, detail: '{}' } } as AgentMessage);
    await expect(p).resolves.toMatchObject({ ok: false, error: 'refused: x' });
    b.call.end();
  });
});
