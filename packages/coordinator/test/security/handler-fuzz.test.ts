import type { PeerCertificate } from 'node:tls';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callerIdentity, coordinatorConfigSchema, createLogger, grpc, identityUri, ROLES, type CoordinatorConfig, type PeerIdentity } from '@whmcs-ha/shared';
import { AgentLinkServer } from '../../src/agent-link/agent-link-server.js';
import { guardService, raftSenderCheck } from '../../src/cluster/access-policy.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { peerViewService } from '../../src/cluster/peer-view-service.js';
import { readPeerView } from '../../src/cluster/peer-views.js';
import { healthyReport } from '../engine/engine-harness.js';
import type { Message } from '../../src/raft/core/types.js';
import { GrpcTransport } from '../../src/raft/transport/grpc-transport.js';
import { decoded, Fuzzer, rng } from './fuzz.js';
import { minimalCoordinatorInput } from '../../../shared/test/support/coordinator-input.js';

/**
 * Every gRPC handler gets at least FUZZ_INPUTS decoded messages (random, and
 * mutations of valid ones, encoded and decoded with the real protobuf types as
 * grpc-js does), from callers with random certificates: nothing throws, every
 * call is answered once, refusals are counted, and a refused input changes
 * nothing. The seed is printed so a failure can be replayed (FUZZ_SEED=...).
 */
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const silent = createLogger('fuzz', 'silent');

/** a server call as grpc-js hands it to a handler, with the TLS identity `id` (or none) */
class FakeCall extends EventEmitter {
  written: unknown[] = [];
  writable = true;
  ended = false;
  /** the status an 'error' event ended the call with (grpc-js listens for it on every server stream) */
  status: number | null = null;
  constructor(
    readonly request: unknown,
    private readonly cert: { subjectaltname: string } | null,
  ) {
    super();
    this.on('error', (e: { code?: number }) => {
      this.status = e.code ?? grpc.status.UNKNOWN;
      this.ended = true;
    });
  }
  getAuthContext() {
    // a certificate with only the field identityFromCertificate reads
    return this.cert ? { transportSecurityType: 'ssl', sslPeerCertificate: this.cert as unknown as PeerCertificate } : {};
  }
  getPeer() {
    return 'fuzz:0';
  }
  write(m: unknown) {
    this.written.push(m);
    return true;
  }
  end() {
    this.ended = true;
  }
}

/** A random caller: a proper identity, a garbled SAN, or none at all. */
function caller(f: Fuzzer, names: string[]): { subjectaltname: string } | null {
  const r = f.random();
  if (r < 0.1) return null;
  if (r < 0.2) return { subjectaltname: f.pick(['', 'DNS:x', 'URI:whmcs-ha://root/x', 'URI:whmcs-ha://agent/web001, URI:whmcs-ha://operator/o', 'URI:whmcs-ha://agent/UPPER']) };
  const id: PeerIdentity = { role: f.pick(ROLES), name: f.pick(names) };
  return { subjectaltname: `URI:${identityUri(id)}, DNS:${id.name}` };
}

describe(`handler fuzz (${INPUTS} inputs per handler, seed ${SEED})`, () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('AgentLink.Connect: Hello, reports and results from anyone; a refused message changes nothing', () => {
    const f = new Fuzzer(rng(SEED));
    // as with TLS: the stream's certificate must name the node its Hello names
    const links = new AgentLinkServer({
      coordinatorId: 'c1',
      leadership: () => ({ leader: true, term: 3 }),
      logger: silent,
      authorizeHello: (stream, node) => {
        const san = (stream as unknown as FakeCall).getAuthContext().sslPeerCertificate?.subjectaltname ?? '';
        return san.startsWith(`URI:whmcs-ha://agent/${node},`) ? null : 'not this node';
      },
    });
    const connect = links.grpcImplementation().Connect as unknown as (s: FakeCall) => void;
    const valid = [
      { hello: { node: 'web001', agentVersion: '1.0', highestEpoch: 2 } },
      { report: { node: 'web001', seq: 5, sentAtMs: 1_700_000_000_000, highestEpoch: 2, installPath: '/var/www/whmcs', leaseEpoch: 0, leaseExpiresAtMs: 0 } },
      { result: { id: 'cmd-1', node: 'web001', epoch: 2, ok: true, error: '', durationMs: 3, detail: '{}' } },
    ];
    let stream: FakeCall | null = null;
    let handled = 0;
    let refused = 0;
    let accepted = 0;
    while (handled < INPUTS) {
      if (!stream || handled % 400 === 0) {
        stream?.emit('end');
        // mostly web001's own certificate, so the fuzz gets past Hello; the rest anyone's
        stream = new FakeCall(undefined, f.random() < 0.7 ? { subjectaltname: 'URI:whmcs-ha://agent/web001, DNS:web001' } : caller(f, ['web001', 'web002', 'c1']));
        connect(stream);
        // most streams start properly so the fuzz reaches reports and results too
        if (f.random() < 0.8) stream.emit('data', valid[0]);
      }
      const msg = decoded('AgentLink', 'Connect', f, f.pick(valid));
      if (msg === null) continue;
      const before = JSON.stringify(links.nodes());
      const invalidBefore = links.invalidMessages;
      expect(() => stream!.emit('data', msg)).not.toThrow();
      handled++;
      if (links.invalidMessages > invalidBefore) {
        refused++;
        expect(JSON.stringify(links.nodes()), `seed ${SEED}: refused ${JSON.stringify(msg).slice(0, 300)} changed state`).toBe(before);
      } else accepted++;
    }
    links.close();
    expect(accepted + refused).toBe(handled);
    console.log(`AgentLink.Connect: ${handled} inputs, ${refused} refused, ${accepted} accepted`);
    expect(refused).toBeGreaterThan(handled / 10);
    expect(accepted).toBeGreaterThan(0);
    // only the node a certificate named ever got state
    expect(links.nodes().map((n) => n.node).every((n) => n === 'web001' || n === 'web002' || n === 'c1')).toBe(true);
  }, 240_000);

  it('Raft.Send behind the access policy: only well-formed messages from the certificate named in from reach Raft', () => {
    const f = new Fuzzer(rng(SEED + 1));
    const delivered: Message[][] = [];
    const transport = new GrpcTransport({
      selfId: 'c1',
      peers: [
        { id: 'c2', address: '127.0.0.1:9' },
        { id: 'c3', address: '127.0.0.1:9' },
      ],
      logger: silent,
      onMessages: (msgs) => delivered.push(msgs),
    });
    let refusedCalls = 0;
    const send = guardService(transport.implementation(), { service: 'Raft', check: raftSenderCheck, onRefuse: () => refusedCalls++ }).Send as unknown as (
      call: FakeCall,
      cb: (e: grpc.ServiceError | null, r?: unknown) => void,
    ) => void;
    const valid = {
      from: 'c2',
      messages: [
        { type: 'app', from: 'c2', to: 'c1', term: 4, logTerm: 3, index: 10, entries: [{ term: 4, index: 11, type: 'normal', data: Buffer.from('{}') }], commit: 9 },
        { type: 'vote', from: 'c2', to: 'c1', term: 5, logTerm: 4, index: 11 },
      ],
    };
    let handled = 0;
    let errors = 0;
    let deliveredMsgs = 0;
    let droppedMsgs = 0;
    while (handled < INPUTS) {
      const req = decoded('Raft', 'Send', f, valid) as { from: string; messages: unknown[] } | null;
      if (req === null) continue;
      const call = new FakeCall(req, caller(f, ['c1', 'c2', 'c3', 'web001']));
      const n = delivered.length;
      let answers = 0;
      let failed = false;
      expect(() =>
        send(call, (e) => {
          answers++;
          failed = e !== null;
        }),
      ).not.toThrow();
      handled++;
      expect(answers, `seed ${SEED + 1}: every call is answered once`).toBe(1);
      const got = delivered.slice(n).flat();
      if (failed) {
        errors++;
        expect(got, `seed ${SEED + 1}: a refused batch reached Raft`).toEqual([]);
        continue;
      }
      const san = call.getAuthContext().sslPeerCertificate!.subjectaltname;
      for (const m of got) {
        expect(san).toContain(`URI:whmcs-ha://coordinator/${m.from},`);
        expect(m.from).toBe(req.from);
        expect(m.to).toBe('c1');
        expect(Number.isFinite(m.term) && Number.isFinite(m.index) && Number.isFinite(m.commit)).toBe(true);
      }
      deliveredMsgs += got.length;
      droppedMsgs += req.messages.length - got.length;
    }
    transport.close();
    console.log(`Raft.Send: ${handled} inputs, ${errors} refused, ${deliveredMsgs} messages delivered, ${droppedMsgs} dropped`);
    expect(errors).toBeGreaterThan(handled / 10);
    expect(refusedCalls).toBeGreaterThan(0);
    expect(deliveredMsgs).toBeGreaterThan(0);
  }, 240_000);

  it('Peer.View behind the access policy: a valid view for coordinators, refused to everyone else', () => {
    const f = new Fuzzer(rng(SEED + 2));
    const now = Date.now();
    const observations = [
      { name: 'web001', report: healthyReport('web001', 1), receivedAt: now - 100, probe: { up: true, at: now, error: '' } },
      { name: 'web002', report: null, receivedAt: null, probe: null },
    ];
    let refusedCalls = 0;
    const view = guardService(peerViewService({ observations: () => observations, hasLb: true }), { service: 'Peer', onRefuse: () => refusedCalls++ }).View as unknown as (
      call: FakeCall,
      cb: (e: grpc.ServiceError | null, r?: unknown) => void,
    ) => void;
    let handled = 0;
    let refused = 0;
    while (handled < INPUTS) {
      const req = decoded('Peer', 'View', f, {});
      if (req === null) continue;
      const call = new FakeCall(req, caller(f, ['c1', 'c2', 'olga', 'vera', 'web001']));
      const answers: Array<{ e: grpc.ServiceError | null; r?: unknown }> = [];
      expect(() => view(call, (e, r) => answers.push({ e, r }))).not.toThrow();
      handled++;
      expect(answers, `seed ${SEED + 2}: every call is answered once`).toHaveLength(1);
      const { e, r } = answers[0]!;
      if (callerIdentity(call)?.role === 'coordinator') {
        expect(e).toBeNull();
        expect(Object.keys(readPeerView(r, now).nodes)).toEqual(['web001', 'web002']);
      } else {
        expect([grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED]).toContain(e?.code);
        refused++;
      }
    }
    console.log(`Peer.View: ${handled} inputs, ${refused} refused`);
    expect(refusedCalls).toBe(refused);
    expect(refused).toBeGreaterThan(handled / 10);
    expect(refused).toBeLessThan(handled);
  });

  it('Control: Status, History, Check, Operate and Watch from anyone; the replicated state never changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wha-fuzz-'));
    dirs.push(dir);
    const parsed = coordinatorConfigSchema.parse({ ...minimalCoordinatorInput(join(dir, 'c1'), ['c1', 'c2', 'c3']), insecure: true });
    // not started: no leader, so no input may change anything, whatever it asks for
    const c = new Coordinator({ ...parsed, voters: ['c1', 'c2', 'c3'], source: 'fuzz' } as CoordinatorConfig, silent);
    let refusedByPolicy = 0;
    const impl = guardService(c.control.implementation(), { service: 'Control', onRefuse: () => refusedByPolicy++ });
    const valid: Record<string, unknown> = {
      Status: {},
      History: { limit: 20 },
      Check: {},
      Watch: {},
      Operate: { action: 'switchover', node: 'web002', force: false, on: false, reason: 'fuzz' },
    };
    const state = () => JSON.stringify(c.state.state);
    const initial = state();
    for (const [seedOffset, method] of ['Status', 'History', 'Check', 'Operate', 'Watch'].entries()) {
      const f = new Fuzzer(rng(SEED + 10 + seedOffset));
      const handler = impl[method] as unknown as (call: FakeCall, cb?: (e: grpc.ServiceError | null, r?: unknown) => void) => void;
      let handled = 0;
      let refused = 0;
      while (handled < INPUTS) {
        const req = decoded('Control', method, f, valid[method]);
        if (req === null) continue;
        const call = new FakeCall(req, caller(f, ['olga', 'vera', 'c2', 'web001']));
        if (method === 'Watch') {
          expect(() => handler(call)).not.toThrow();
          if (call.status !== null) refused++;
          call.emit(f.random() < 0.5 ? 'cancelled' : 'close');
        } else {
          const answer = await new Promise<{ e: grpc.ServiceError | null; r?: unknown; n: number }>((resolve, reject) => {
            let n = 0;
            try {
              handler(call, (e, r) => {
                n++;
                setImmediate(() => resolve({ e, r, n }));
              });
            } catch (err) {
              reject(err as Error);
            }
          });
          expect(answer.n).toBe(1);
          if (answer.e || (method === 'Operate' && !(answer.r as { accepted: boolean }).accepted)) refused++;
        }
        handled++;
        expect(state(), `seed ${SEED + 10 + seedOffset}: ${method} ${JSON.stringify(req).slice(0, 300)} changed the state`).toBe(initial);
      }
      console.log(`Control.${method}: ${handled} inputs, ${refused} refused`);
      if (method === 'Operate') expect(refused).toBe(handled);
    }
    expect(refusedByPolicy).toBeGreaterThan(0);
    c.links.close();
  }, 600_000);
});
