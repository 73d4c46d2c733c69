import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpc, serviceDefinition, SERVER_OPTIONS, type Logger } from '@whmcs-ha/shared';
import { pino } from 'pino';
import type { GrpcTransport } from '../transport/grpc-transport.js';
import { createRaftNode } from './raft-node-factory.js';
import type { AppliedEntry, RaftNode, StateMachine } from './raft-node.js';

/** A state machine that records every applied payload, for tests and the bench. */
export class RecordingStateMachine implements StateMachine {
  values: string[] = [];
  lastIndex = 0;
  apply(e: AppliedEntry): void {
    if (e.index <= this.lastIndex) throw new Error(`applied ${e.index} after ${this.lastIndex}`);
    this.lastIndex = e.index;
    this.values.push(Buffer.from(e.data).toString('utf8'));
  }
  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify({ values: this.values, lastIndex: this.lastIndex }));
  }
  restore(data: Uint8Array): void {
    const s = JSON.parse(Buffer.from(data).toString('utf8')) as { values: string[]; lastIndex: number };
    this.values = s.values;
    this.lastIndex = s.lastIndex;
  }
}

export interface LoopbackClusterOptions {
  size?: number;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  snapshotEvery?: number;
  logger?: Logger;
}

interface Member {
  id: string;
  address: string;
  port: number;
  server: grpc.Server | null;
  node: RaftNode | null;
  transport: GrpcTransport | null;
  sm: RecordingStateMachine;
}

/**
 * N real RaftNodes on 127.0.0.1 with real gRPC servers on kernel-chosen ports
 * and real storage in a temp directory: for the driver tests and the bench.
 */
export class LoopbackCluster {
  readonly members: Member[] = [];
  private dir = '';
  readonly opts: Required<Omit<LoopbackClusterOptions, 'logger'>> & { logger: Logger };

  constructor(opts: LoopbackClusterOptions = {}) {
    this.opts = {
      size: 3,
      tickMs: 100,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEvery: 1000,
      logger: pino({ level: process.env.WHA_LOG_LEVEL ?? 'silent' }),
      ...opts,
    };
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'raft-cluster-'));
    for (let i = 1; i <= this.opts.size; i++) {
      const m: Member = { id: `c${i}`, address: '', port: 0, server: null, node: null, transport: null, sm: new RecordingStateMachine() };
      await this.listen(m, 0);
      this.members.push(m);
    }
    for (const m of this.members) await this.startNode(m);
  }

  node(id: string): RaftNode {
    const m = this.member(id);
    if (!m.node) throw new Error(`${id} is down`);
    return m.node;
  }

  member(id: string): Member {
    const m = this.members.find((x) => x.id === id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  /** Stops a node abruptly: its server goes away at once and its in-memory state is dropped. */
  async kill(id: string): Promise<void> {
    const m = this.member(id);
    m.server?.forceShutdown();
    m.server = null;
    const node = m.node;
    m.node = null;
    m.transport = null;
    await node?.stop();
  }

  /** Restarts a killed node on its old port from its data directory, with a fresh state machine. */
  async restart(id: string): Promise<void> {
    const m = this.member(id);
    m.sm = new RecordingStateMachine();
    await this.listen(m, m.port);
    await this.startNode(m);
  }

  /** The node every live member agrees is leader, or null. */
  agreedLeader(): string | null {
    const live = this.members.filter((m) => m.node);
    const leaders = live.filter((m) => m.node!.status().role === 'leader');
    if (leaders.length !== 1) return null;
    const id = leaders[0]!.id;
    return live.every((m) => m.node!.leaderId() === id) ? id : null;
  }

  async waitFor<T>(what: string, f: () => T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = f();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  waitForLeader(timeoutMs = 10_000): Promise<string> {
    return this.waitFor('an agreed leader with a valid lease', () => {
      const id = this.agreedLeader();
      return id && this.node(id).leaseValid() ? id : null;
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    for (const m of this.members) {
      m.server?.forceShutdown();
      m.server = null;
      await m.node?.stop();
      m.node = null;
      m.transport = null;
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async listen(m: Member, port: number): Promise<void> {
    const server = new grpc.Server(SERVER_OPTIONS);
    // The handler looks the node up per call, so a restarted node serves on the same server slot.
    server.addService(serviceDefinition('Raft'), {
      Send: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        const impl = m.transport?.implementation().Send as grpc.handleUnaryCall<unknown, unknown> | undefined;
        if (!impl) cb({ code: grpc.status.UNAVAILABLE, details: 'node down' });
        else impl(call, cb);
      },
    });
    m.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    m.address = `127.0.0.1:${m.port}`;
    m.server = server;
  }

  private async startNode(m: Member): Promise<void> {
    const { node, transport } = createRaftNode({
      id: m.id,
      peers: this.members.length === this.opts.size ? this.members.map((x) => ({ id: x.id, address: x.address })) : [],
      dataDir: join(this.dir, m.id),
      tickMs: this.opts.tickMs,
      electionTicks: this.opts.electionTicks,
      heartbeatTicks: this.opts.heartbeatTicks,
      snapshotEvery: this.opts.snapshotEvery,
      stateMachine: m.sm,
      logger: this.opts.logger.child({ raft: m.id }),
    });
    m.node = node;
    m.transport = transport;
    await node.start();
  }
}
