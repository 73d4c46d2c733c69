import { grpc, serviceDefinition, SERVER_OPTIONS } from '@whmcs-ha/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyMessage, type Message } from '../../src/raft/core/types.js';
import { GrpcTransport } from '../../src/raft/transport/grpc-transport.js';

const logger = pino({ level: 'silent' });

async function serve(impl: grpc.UntypedServiceImplementation, port = 0): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(serviceDefinition('Raft'), impl);
  const p = await new Promise<number>((res, rej) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, bound) => (e ? rej(e) : res(bound))),
  );
  return { server, port: p };
}

function msg(to: string, i: number): Message {
  const m = emptyMessage('app', 'a', to, 1);
  m.index = i;
  m.entries = [{ term: 1, index: i + 1, type: 'normal', data: new TextEncoder().encode(`v${i}`) }];
  return m;
}

describe('GrpcTransport (real gRPC on loopback)', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const f of cleanup.splice(0)) f();
  });

  it('delivers to a live peer while another peer is dead or stalls, and bounds the dead queue', async () => {
    const gotB: Message[] = [];
    const b = new GrpcTransport({ selfId: 'b', peers: [{ id: 'a', address: '127.0.0.1:1' }], logger, onMessages: (m) => gotB.push(...m) });
    const sb = await serve(b.implementation());
    // c answers nothing for 5 s: a slow peer.
    const sc = await serve({ Send: (_call: unknown, cb: grpc.sendUnaryData<object>) => void setTimeout(() => cb(null, {}), 5_000) });
    // d listens nowhere: a dead peer.
    const dead = await serve({});
    dead.server.forceShutdown();
    const a = new GrpcTransport({
      selfId: 'a',
      peers: [
        { id: 'b', address: `127.0.0.1:${sb.port}` },
        { id: 'c', address: `127.0.0.1:${sc.port}` },
        { id: 'd', address: `127.0.0.1:${dead.port}` },
      ],
      logger,
      deadlineMs: 300,
      maxQueue: 300,
      onMessages: () => {},
    });
    cleanup.push(() => {
      a.close();
      b.close();
      sb.server.forceShutdown();
      sc.server.forceShutdown();
    });
    const started = Date.now();
    // Ten bursts of 100 per peer: b keeps up, c and d fall behind.
    for (let round = 0; round < 10; round++) {
      for (let i = round * 100; i < (round + 1) * 100; i++) a.send([msg('b', i), msg('c', i), msg('d', i)]);
      while (gotB.length < (round + 1) * 100 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 2));
    }
    expect(gotB.map((m) => m.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(gotB[0]!.entries[0]!.data).toEqual(new TextEncoder().encode('v0'));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(a.status('b').dropped).toBe(0);
    // The slow and the dead peer kept at most maxQueue messages each, dropping the oldest.
    for (const peer of ['c', 'd']) {
      expect(a.status(peer).dropped).toBeGreaterThan(0);
      expect(a.status(peer).queued).toBeLessThanOrEqual(300);
    }
    expect(a.status('b').reachable).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(a.status('d').reachable).toBe(false);
    expect(a.status('c').reachable).toBe(false); // the 300 ms deadline expired
  });

  it('rejects a batch from an unknown peer and drops messages not addressed to it', async () => {
    const got: Message[] = [];
    const b = new GrpcTransport({ selfId: 'b', peers: [{ id: 'a', address: '127.0.0.1:1' }], logger, onMessages: (m) => got.push(...m) });
    const sb = await serve(b.implementation());
    const Client = (await import('@whmcs-ha/shared')).clientConstructor('Raft');
    const client = new Client(`127.0.0.1:${sb.port}`, grpc.credentials.createInsecure());
    cleanup.push(() => {
      client.close();
      b.close();
      sb.server.forceShutdown();
    });
    const send = (req: object) =>
      new Promise<grpc.ServiceError | null>((res) => (client as unknown as Record<string, (...a: unknown[]) => void>).Send!(req, (e: grpc.ServiceError | null) => res(e)));
    const err = await send({ from: 'x', messages: [{ ...msg('b', 1), from: 'x' }] });
    expect(err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(await send({ from: 'a', messages: [msg('z', 1), { ...msg('b', 2), type: 'bogus' }, msg('b', 3)] })).toBeNull();
    expect(got.map((m) => m.index)).toEqual([3]);
  });
});
