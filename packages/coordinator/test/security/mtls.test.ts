import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelCredentials, grpc, serviceDefinition, tlsChannelOptions, type Role } from '@whmcs-ha/shared';
import { OperateForwarder } from '../../src/dashboard/operate-forwarder.js';
import { readPeerView } from '../../src/cluster/peer-views.js';
import { CoordinatorMetrics } from '../../src/observability/metrics.js';

const serviceDefinitionOf = (service: 'Control' | 'Raft' | 'Peer', method: string) => serviceDefinition(service)[method]!;
import type { Coordinator } from '../../src/cluster/coordinator.js';
import { until } from '../observability/coordinator-trio.js';
import { decoded, Fuzzer, rng } from './fuzz.js';
import { client, codeOf, startTlsTrio, TestPki, unary } from './tls-cluster.js';

/**
 * DESIGN §10 over real gRPC with real certificates from the `pki` code:
 * three coordinators run Raft over mTLS; callers without a certificate, with
 * one from another CA, in the wrong role or speaking for someone else are
 * refused with the right status, and nothing in the cluster changes.
 */
describe('mTLS and roles on the coordinator', () => {
  let trio: Awaited<ReturnType<typeof startTlsTrio>>;
  let leader: Coordinator;
  let otherCa: TestPki;
  const clients: grpc.Client[] = [];
  const open = (...a: Parameters<typeof client>) => {
    const c = client(...a);
    clients.push(c);
    return c;
  };
  const as = (role: Role, name: string, service: 'Control' | 'Raft' | 'AgentLink' | 'Peer' = 'Control') =>
    open(service, leader.cfg.listen, { pki: trio.pki, role, name });
  /** everything a refused call could have touched */
  const snapshot = () =>
    trio.coordinators.map((c) => ({
      state: JSON.stringify(c.state.state),
      term: c.raft.status().term,
      commit: c.raft.status().commitIndex,
      agents: JSON.stringify(c.links.nodes()),
    }));

  const findLeader = () => until('a leader', () => trio.coordinators.find((c) => c.raft.status().role === 'leader' && c.raft.status().leaseValid), 30_000);

  beforeAll(async () => {
    trio = await startTlsTrio();
    otherCa = new TestPki(trio.root, 'other-ca');
    // Raft elected a leader and committed over mTLS: the coordinators' own certificates work
    leader = await findLeader();
  }, 60_000);

  // re-read before each test: on a loaded machine an election may move the leader
  beforeEach(async () => {
    leader = await findLeader();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await trio?.stop();
  });

  it('lets a viewer read and an operator write', async () => {
    const status = await unary<{ json: string }>(as('viewer', 'vera'), 'Status', {});
    expect(JSON.parse(status.json)).toHaveProperty('nodes');
    // the operator's request reaches the control service, which answers on its merits (here: no agent reported
    // yet, so nothing to pause); the lab test shows an operator's switchover going through end to end
    const refused = leader.refusals.get('Control.Operate') ?? 0;
    const r = await unary<{ accepted: boolean; message: string }>(as('operator', 'olga'), 'Operate', { action: 'pause', reason: 'test' });
    expect(r.message).toMatch(/not initialised/);
    expect(leader.refusals.get('Control.Operate') ?? 0).toBe(refused);
    // coordinators among themselves may use the control API too
    expect(await codeOf(unary(as('coordinator', 'c2'), 'Status', {}))).toBe(grpc.status.OK);
  });

  it("forwards the dashboard's operator action from a follower to the leader with the coordinator's own certificate", async () => {
    const follower = trio.coordinators.find((c) => c !== leader)!;
    const forwarder = new OperateForwarder((req, by) => follower.control.operate(req, by), 5000, channelCredentials(follower.tls), tlsChannelOptions(follower.tls));
    // the leader itself answers (no agent has reported, so nothing to pause): the mTLS call went through
    const r = await forwarder.operate({ action: 'pause', node: '', force: false, on: false, reason: 'dashboard' }, 'dashboard');
    expect(r.message).toMatch(/not initialised/);
    expect(r.leaderId).toBe(leader.cfg.id);
    // and it is the forwarded call that answered: without the certificate the leader cannot be reached
    const plain = new OperateForwarder((req, by) => follower.control.operate(req, by), 3000);
    await expect(plain.operate({ action: 'pause', node: '', force: false, on: false, reason: 'dashboard' }, 'dashboard')).rejects.toThrow();
  });

  it('refuses a viewer switchover with PERMISSION_DENIED and changes nothing', async () => {
    const before = snapshot();
    const refusedBefore = leader.refusals.get('Control.Operate') ?? 0;
    for (const action of ['switchover', 'pause', 'failover']) {
      expect(await codeOf(unary(as('viewer', 'vera'), 'Operate', { action, node: 'web002', force: true }))).toBe(grpc.status.PERMISSION_DENIED);
    }
    expect(leader.refusals.get('Control.Operate')).toBe(refusedBefore + 3);
    const metrics = new CoordinatorMetrics({ raft: () => leader.raftStatus(), status: () => leader.status(), refusals: () => leader.refusals }, leader.cfg.id);
    expect(await metrics.text()).toContain(`whmcs_ha_refused_calls_total{method="Control.Operate",coordinator="${leader.cfg.id}"} ${refusedBefore + 3}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshot().map((s) => s.state)).toEqual(before.map((s) => s.state));
  });

  it('refuses agents and coordinators-by-name on the control API only where the role does not fit', async () => {
    expect(await codeOf(unary(as('agent', 'web001'), 'Status', {}))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(unary(as('agent', 'web001'), 'Operate', { action: 'pause' }))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(unary(as('operator', 'olga', 'Raft'), 'Send', { from: 'c2', messages: [] }))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(unary(as('viewer', 'vera', 'Raft'), 'Send', { from: 'c2', messages: [] }))).toBe(grpc.status.PERMISSION_DENIED);
    expect(leader.state.state.paused).toBe(false);
  });

  it("answers a peer's view only to coordinator certificates", async () => {
    const c2 = trio.coordinators.find((c) => c !== leader)!;
    // what every coordinator's PeerViews asks each cycle: a view of every node, valid on the asking side
    const view = readPeerView(await unary(as('coordinator', c2.cfg.id, 'Peer'), 'View', {}), Date.now());
    expect(Object.keys(view.nodes).sort()).toEqual(leader.cfg.nodes.map((n) => n.name).sort());
    expect(view.hasLb).toBe(Boolean(leader.cfg.lb));
    const refused = leader.refusals.get('Peer.View') ?? 0;
    for (const [role, name] of [['viewer', 'vera'], ['operator', 'olga'], ['agent', 'web001']] as const) {
      expect(await codeOf(unary(as(role, name, 'Peer'), 'View', {}))).toBe(grpc.status.PERMISSION_DENIED);
    }
    expect(leader.refusals.get('Peer.View')).toBe(refused + 3);
    // a coordinator certificate of another CA never gets a call through
    const foreign = open('Peer', leader.cfg.listen, { pki: otherCa, role: 'coordinator', name: c2.cfg.id });
    expect(await codeOf(unary(foreign, 'View', {}, 3000))).toBe(grpc.status.UNAVAILABLE);
  });

  it('refuses a client without a certificate, from another CA, or without TLS at the handshake', async () => {
    const before = snapshot().map((s) => s.state);
    const noCert = open('Control', leader.cfg.listen, { caOnly: trio.pki });
    const foreign = open('Control', leader.cfg.listen, { pki: otherCa, role: 'operator', name: 'olga' });
    const plain = open('Control', leader.cfg.listen, 'insecure');
    for (const c of [noCert, foreign, plain]) {
      // the connection never carries a call: UNAVAILABLE, and no handler (so no refusal counter) runs
      expect(await codeOf(unary(c, 'Operate', { action: 'pause' }, 3000))).toBe(grpc.status.UNAVAILABLE);
      expect(await codeOf(unary(c, 'Status', {}, 3000))).toBe(grpc.status.UNAVAILABLE);
    }
    const foreignCoordinator = open('Raft', leader.cfg.listen, { pki: otherCa, role: 'coordinator', name: 'c2' });
    expect(await codeOf(unary(foreignCoordinator, 'Send', { from: 'c2', messages: [{ type: 'heartbeat', from: 'c2', to: leader.cfg.id, term: 999 }] }, 3000))).toBe(
      grpc.status.UNAVAILABLE,
    );
    expect(snapshot().map((s) => s.state)).toEqual(before);
    expect(leader.raft.status().term).toBeLessThan(999);
  });

  it('refuses a coordinator speaking for another coordinator on Raft', async () => {
    const c2 = trio.coordinators.find((c) => c !== leader)!;
    const c3 = trio.coordinators.find((c) => c !== leader && c !== c2)!;
    const term = leader.raft.status().term;
    const asC2 = open('Raft', leader.cfg.listen, { pki: trio.pki, role: 'coordinator', name: c2.cfg.id });
    const forged = { from: c3.cfg.id, messages: [{ type: 'vote', from: c3.cfg.id, to: leader.cfg.id, term: term + 50, logTerm: 999, index: 999 }] };
    expect(await codeOf(unary(asC2, 'Send', forged))).toBe(grpc.status.PERMISSION_DENIED);
    expect(leader.refusals.get('Raft.Send')).toBeGreaterThanOrEqual(1);
    // the forged vote request with a term 50 ahead never reached Raft
    expect(leader.raft.status().term).toBeLessThan(term + 50);
  });

  it('refuses an agent saying Hello for another node and keeps no state for it', async () => {
    const stream = (name: string, node: string) =>
      new Promise<{ code: number; welcomed: boolean }>((resolve) => {
        const c = as('agent', name, 'AgentLink') as unknown as { Connect(): grpc.ClientDuplexStream<object, { body: string }> };
        const s = c.Connect();
        let welcomed = false;
        s.on('data', (m) => {
          if (m.body === 'welcome') {
            welcomed = true;
            s.cancel();
          }
        });
        s.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, welcomed }));
        s.on('end', () => resolve({ code: grpc.status.OK, welcomed }));
        s.write({ hello: { node, agentVersion: 'test', highestEpoch: 0 } });
      });
    const invalidBefore = leader.links.invalidMessages;
    expect(await stream('web002', 'web001')).toEqual({ code: grpc.status.PERMISSION_DENIED, welcomed: false });
    expect(leader.links.node('web001')).toBeUndefined();
    expect(leader.links.invalidMessages).toBe(invalidBefore + 1);
    // a coordinator or operator certificate cannot open an agent stream at all
    const asOp = as('operator', 'olga', 'AgentLink') as unknown as { Connect(): grpc.ClientDuplexStream<object, object> };
    const code = await new Promise<number>((resolve) => {
      const s = asOp.Connect();
      s.on('error', (e: grpc.ServiceError) => resolve(e.code));
      s.on('data', () => undefined);
      s.write({ hello: { node: 'web001', agentVersion: 'test', highestEpoch: 0 } });
    });
    expect(code).toBe(grpc.status.PERMISSION_DENIED);
    expect(leader.links.node('web001')).toBeUndefined();
    // a certificate of the cluster CA for a node this cluster does not have
    expect(await stream('web009', 'web009')).toEqual({ code: grpc.status.PERMISSION_DENIED, welcomed: false });
    expect(leader.links.node('web009')).toBeUndefined();
    // the node's own certificate is welcome: the refusals above were about identity, not the stream
    const own = await stream('web001', 'web001');
    expect(own.welcomed).toBe(true);
    expect(leader.links.node('web001')?.node).toBe('web001');
  });

  it('caps message size on the server (RESOURCE_EXHAUSTED), with nothing changed', async () => {
    const big = open('Control', leader.cfg.listen, { pki: trio.pki, role: 'operator', name: 'olga' }, { 'grpc.max_send_message_length': 16 * 1024 * 1024 });
    const before = JSON.stringify(leader.state.state);
    expect(await codeOf(unary(big, 'Operate', { action: 'pause', reason: 'x'.repeat(5 * 1024 * 1024) }))).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(JSON.stringify(leader.state.state)).toBe(before);
  });

  it('survives random and mutated bytes over the wire on every method, and nothing changes', async () => {
    const f = new Fuzzer(rng(Number(process.env.FUZZ_SEED ?? 7)));
    const before = snapshot().map((x) => x.state);
    const pool = new Map<string, grpc.Client>();
    const reuse = (role: Role, name: string, service: 'Control' | 'Raft' | 'AgentLink' | 'Peer') => {
      const key = `${service}/${role}/${name}`;
      if (!pool.has(key)) pool.set(key, as(role, name, service));
      return pool.get(key)!;
    };
    const raw = (service: 'Control' | 'Raft' | 'Peer', method: string, role: Role, name: string, valid: object) => {
      const c = reuse(role, name, service);
      const def = serviceDefinitionOf(service, method);
      return new Promise<number>((resolve) => {
        const bytes = f.bytes(def.requestSerialize(valid));
        c.makeUnaryRequest(`/whmcsha.v1.${service}/${method}`, (b: Buffer) => b, (b: Buffer) => b, bytes, { deadline: new Date(Date.now() + 5000) }, (e) =>
          resolve(e ? e.code : grpc.status.OK),
        );
      });
    };
    const codes = new Map<number, number>();
    const count = (code: number) => codes.set(code, (codes.get(code) ?? 0) + 1);
    for (let i = 0; i < 150; i++) {
      count(await raw('Control', 'Operate', 'operator', 'olga', { action: 'switchover', node: 'web002' }));
      count(await raw('Control', 'Status', 'viewer', 'vera', {}));
      count(await raw('Control', 'History', 'viewer', 'vera', { limit: 5 }));
      count(await raw('Raft', 'Send', 'coordinator', trio.coordinators.find((c) => c !== leader)!.cfg.id, { from: 'x', messages: [] }));
      count(await raw('Peer', 'View', 'coordinator', trio.coordinators.find((c) => c !== leader)!.cfg.id, {}));
    }
    // agent streams with fuzzed messages, each on its own stream
    for (let i = 0; i < 100; i++) {
      const msg = decoded('AgentLink', 'Connect', f, { hello: { node: 'web002', agentVersion: 'x', highestEpoch: 1 } });
      if (msg === null) continue;
      const c = reuse('agent', 'web002', 'AgentLink') as unknown as { Connect(): grpc.ClientDuplexStream<object, object> };
      await new Promise<void>((resolve) => {
        const st = c.Connect();
        st.on('data', () => st.cancel());
        st.on('error', () => resolve());
        st.on('end', () => resolve());
        st.write(msg as object);
        setTimeout(() => st.cancel(), 300);
      });
    }
    console.log(`wire fuzz status codes: ${JSON.stringify(Object.fromEntries([...codes].map(([k, v]) => [grpc.status[k], v])))}`);
    expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(750);
    // every coordinator still answers, and the replicated state is what it was
    for (const c of trio.coordinators) {
      const r = await unary<{ json: string }>(open('Control', c.cfg.listen, { pki: trio.pki, role: 'viewer', name: 'vera' }), 'Status', {});
      expect(r.json.length).toBeGreaterThan(0);
    }
    expect(snapshot().map((x) => x.state)).toEqual(before);
  }, 180_000);
});
