import { createInterface } from 'node:readline';
import { grpc, serviceDefinition, SERVER_OPTIONS } from '@whmcs-ha/shared';
import { pino } from 'pino';
import { RecordingStateMachine } from './loopback-cluster.js';
import { NotLeaderError } from './raft-errors.js';
import { createRaftNode } from './raft-node-factory.js';

/**
 * One RaftNode in a process of its own, for kill -9 tests and the bench.
 * argv[2] is a JSON config; requests arrive on stdin as JSON lines
 * ({ id, op: 'propose' | 'status' | 'values', data? }) and answers leave on
 * stdout as JSON lines ({ id, ok, result | error, leaderId? }).
 */
interface ProcessConfig {
  id: string;
  port: number;
  peers: { id: string; address: string }[];
  dataDir: string;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  snapshotEvery: number;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as ProcessConfig;
  const logger = pino({ level: process.env.WHA_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const sm = new RecordingStateMachine();
  const { node, transport } = createRaftNode({ ...cfg, stateMachine: sm, logger });
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(serviceDefinition('Raft'), transport.implementation());
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${cfg.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  await node.start();
  const reply = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  reply({ ready: true });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const req = JSON.parse(line) as { id: number; op: string; data?: string };
    if (req.op === 'status') reply({ id: req.id, ok: true, result: { ...node.status(), leaseValid: node.leaseValid() } });
    else if (req.op === 'values') reply({ id: req.id, ok: true, result: sm.values });
    else if (req.op === 'propose') {
      node.propose(new TextEncoder().encode(req.data ?? '')).then(
        (r) => reply({ id: req.id, ok: true, result: r }),
        (err: Error) => reply({ id: req.id, ok: false, error: err.message, leaderId: err instanceof NotLeaderError ? err.leaderId : undefined }),
      );
    } else reply({ id: req.id, ok: false, error: `unknown op ${req.op}` });
  });
  rl.on('close', () => {
    void node.stop().then(() => server.forceShutdown());
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
