import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANNEL_OPTIONS,
  channelCredentials,
  clientConstructor,
  grpc,
  readTlsMaterial,
  SERVER_OPTIONS,
  serverCredentials,
  serviceDefinition,
  tlsChannelOptions,
} from '../../src/index.js';
import { pkiFiles, pkiInit, pkiIssue } from '../../../hactl/src/pki.js';

/**
 * docs/security.md's CA rotation: while every `tls.ca` file holds both the old
 * and the new CA, certificates of either are accepted, so processes can move
 * to new certificates one at a time; a third CA stays out.
 */
describe('CA rotation with a CA bundle', () => {
  let dir: string;
  let server: grpc.Server;
  let address: string;
  const calls: string[] = [];
  const leaf = (pki: string, role: 'coordinator' | 'operator', name: string, ca: string) => {
    pkiIssue({ dir: pki, role, name });
    return { ca, ...pkiFiles(pki).leaf(role, name) };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wha-rotate-'));
    for (const p of ['old', 'new', 'rogue']) pkiInit(join(dir, p));
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, readFileSync(pkiFiles(join(dir, 'old')).ca, 'utf8') + readFileSync(pkiFiles(join(dir, 'new')).ca, 'utf8'), { mode: 0o600 });
    // the server still runs on its old certificate, trusting both CAs
    const m = readTlsMaterial(leaf(join(dir, 'old'), 'coordinator', 'lb1', bundle), { roles: ['coordinator'], name: 'lb1' });
    server = new grpc.Server(SERVER_OPTIONS);
    server.addService(serviceDefinition('Raft'), {
      Send: (call: grpc.ServerUnaryCall<{ from: string }, object>, cb: grpc.sendUnaryData<object>) => {
        calls.push(call.request.from);
        cb(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', serverCredentials(m), (e, p) => (e ? reject(e) : resolve(p))));
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => {
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (tls: { ca: string; cert: string; key: string }, from: string) => {
    const m = readTlsMaterial(tls, { roles: ['coordinator'] });
    const Ctor = clientConstructor('Raft');
    const c = new Ctor(address, channelCredentials(m, { name: 'lb1' }), { ...CHANNEL_OPTIONS, ...tlsChannelOptions(m) }) as unknown as {
      Send(r: object, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void): void;
      close(): void;
    };
    return new Promise<number>((resolve) =>
      c.Send({ from, messages: [] }, { deadline: new Date(Date.now() + 3000) }, (e) => {
        c.close();
        resolve(e ? e.code : grpc.status.OK);
      }),
    );
  };

  it('accepts a peer on the old CA and one already moved to the new CA, and refuses a third CA', async () => {
    const bundle = join(dir, 'bundle.pem');
    expect(await send(leaf(join(dir, 'old'), 'coordinator', 'witness', bundle), 'witness')).toBe(grpc.status.OK);
    expect(await send(leaf(join(dir, 'new'), 'coordinator', 'web002', bundle), 'web002')).toBe(grpc.status.OK);
    const rogue = join(dir, 'rogue');
    expect(await send(leaf(rogue, 'coordinator', 'mallory', pkiFiles(rogue).ca), 'mallory')).toBe(grpc.status.UNAVAILABLE);
    expect(calls).toEqual(['witness', 'web002']);
  });

  it('a certificate of the new CA is refused at start-up where tls.ca does not hold it yet', () => {
    const tls = leaf(join(dir, 'new'), 'operator', 'olga', pkiFiles(join(dir, 'old')).ca);
    expect(() => readTlsMaterial(tls, { roles: ['operator'] })).toThrow(/tls\.cert: .* is not signed by the CA/);
  });
});
