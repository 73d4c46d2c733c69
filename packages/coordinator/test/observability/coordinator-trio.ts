import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCoordinatorConfig, coordinatorConfigSchema, createLogger, type CoordinatorConfig } from '@whmcs-ha/shared';
import { Coordinator } from '../../src/cluster/coordinator.js';

/** A free loopback port (bound and released: good enough for a test on loopback). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Three real coordinators on loopback (Raft over gRPC, no agents, no LB); `extra` adds config to the
 * first. Plain gRPC unless `perNode` gives each its own security config (the mTLS tests' certificates).
 */
export async function startTrio(
  extra: Record<string, unknown>,
  opts: { dir?: string; perNode?: (id: string) => Record<string, unknown> } = {},
): Promise<{ coordinators: Coordinator[]; stop: () => Promise<void> }> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'coord-trio-'));
  const ids = ['c1', 'c2', 'c3'];
  const ports = await Promise.all(ids.map(() => freePort()));
  const peers = ids.map((id, i) => ({ id, address: `127.0.0.1:${ports[i]}` }));
  const coordinators = ids.map((id, i) => {
    const parsed = coordinatorConfigSchema.parse({
      id,
      // plain gRPC on loopback, for these tests only
      ...(opts.perNode ? opts.perNode(id) : { insecure: true }),
      listen: peers[i]!.address,
      dataDir: join(dir, id),
      peers,
      nodes: [
        { name: 'web001', upstream: '127.0.0.1:1' },
        { name: 'web002', upstream: '127.0.0.1:2' },
      ],
      cluster: { initialActive: 'web001' },
      // an election timeout of 1-2 s: no leadership churn on a loaded 2-core machine
      raft: { tickMs: 50, electionTicks: 20, heartbeatTicks: 2, snapshotEvery: 1000 },
      ...(i === 0 ? extra : {}),
    });
    const cfg: CoordinatorConfig = compileCoordinatorConfig(parsed, `test ${id}`);
    return new Coordinator(cfg, createLogger(`test-${id}`, 'silent'));
  });
  await Promise.all(coordinators.map((c) => c.start()));
  return {
    coordinators,
    stop: async () => {
      await Promise.all(coordinators.map((c) => c.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until<T>(what: string, f: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
