import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorMessageSchema, createLogger, grpc, SERVER_OPTIONS, serviceDefinition } from '@whmcs-ha/shared';
import { Fuzzer, rng } from '../../../coordinator/test/security/fuzz.js';
import { CoordinatorLink } from '../../src/link/coordinator-link.js';

/**
 * The agent's side of AgentLink: a coordinator (here a hostile one on
 * loopback) streams FUZZ_INPUTS random and mutated CoordinatorMessages, as
 * bytes on the wire. The link must not crash or drop the stream, must pass on
 * exactly the commands and leases the message schema accepts (after a valid
 * Welcome), and count every other one as refused.
 */
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

describe(`agent link fuzz (${INPUTS} coordinator messages, seed ${SEED})`, () => {
  let server: grpc.Server;
  let address: string;
  const def = serviceDefinition('AgentLink').Connect!;
  const f = new Fuzzer(rng(SEED));
  // the fuzzer serialises mutated, ill-typed messages on purpose
  const serialize = def.responseSerialize as (m: unknown) => Buffer;
  const valid = [
    { welcome: { coordinatorId: 'c1', leader: true, term: 3 } },
    { command: { id: 'cmd-1', term: 3, epoch: 2, node: 'web001', setReadOnly: {} } },
    { command: { id: 'cmd-2', term: 3, epoch: 2, node: 'web001', waitForGtid: { gtidSet: '0-1-10', timeoutMs: 1000 } } },
    { lease: { node: 'web001', epoch: 2, term: 3, durationMs: 15000 } },
  ];
  // what the link should make of each message, worked out from the schema alone
  const messages: Buffer[] = [Buffer.from(serialize(valid[0]))];
  const expected = { welcomes: 1, commands: 0, leases: 0, refused: 0 };
  while (messages.length < INPUTS + 1) {
    const pickValid = f.pick(valid);
    let bytes: Buffer;
    const r = f.random();
    try {
      bytes = r < 0.5 ? Buffer.from(serialize(f.mutate(pickValid))) : f.bytes(Buffer.from(serialize(pickValid)));
    } catch {
      continue;
    }
    let msg: unknown;
    try {
      msg = def.responseDeserialize(bytes);
    } catch {
      continue; // grpc-js would end the call: not a message the link ever sees
    }
    const parsed = coordinatorMessageSchema.safeParse(msg);
    if (!parsed.success) expected.refused++;
    else if (parsed.data.body === 'welcome') expected.welcomes++;
    else if (parsed.data.body === 'command') expected.commands++;
    else expected.leases++;
    messages.push(bytes);
  }

  beforeAll(async () => {
    server = new grpc.Server(SERVER_OPTIONS);
    // the hostile coordinator writes raw bytes: whatever the fuzzer made
    server.addService({ Connect: { ...def, responseSerialize: (b: Buffer) => b } } as unknown as grpc.ServiceDefinition, {
      Connect: (call: grpc.ServerDuplexStream<unknown, Buffer>) => {
        call.once('data', () => {
          for (const m of messages) call.write(m);
        });
        call.on('error', () => undefined);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => server?.forceShutdown());

  it('passes on exactly what the schema accepts, refuses the rest, and keeps the stream', async () => {
    const got = { welcomes: 0, commands: 0, leases: 0 };
    const link = new CoordinatorLink({
      id: 'c1',
      address,
      credentials: grpc.credentials.createInsecure(),
      hello: () => ({ node: 'web001', agentVersion: 'fuzz', highestEpoch: 0 }),
      logger: createLogger('fuzz', 'silent'),
    });
    link.on('welcome', () => got.welcomes++);
    link.on('command', () => got.commands++);
    link.on('lease', () => got.leases++);
    link.start();
    const t0 = Date.now();
    while (got.welcomes + got.commands + got.leases + link.invalidMessages < messages.length && Date.now() - t0 < 120_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    link.close();
    console.log(`agent link: ${messages.length} messages, ${JSON.stringify(got)}, ${link.invalidMessages} refused, expected ${JSON.stringify(expected)}`);
    expect({ ...got, refused: link.invalidMessages }).toEqual(expected);
    expect(link.reconnects).toBe(0);
    expect(expected.refused).toBeGreaterThan(INPUTS / 10);
    expect(expected.commands + expected.leases).toBeGreaterThan(0);
  }, 180_000);
});
