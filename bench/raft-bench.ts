/** Raft figures from packages/coordinator/src/raft/bench.ts (three real nodes over gRPC on loopback, fsync on). */
import { runRaftBench } from '../packages/coordinator/src/raft/bench.js';
import type { Figure } from './figure.js';

export async function raftBench(log: (l: string) => void): Promise<Figure[]> {
  const r = await runRaftBench({
    proposals: Number(process.env.BENCH_RAFT_PROPOSALS ?? 300),
    failovers: Number(process.env.BENCH_RAFT_FAILOVERS ?? 20),
    onProgress: log,
  });
  const c = r.commitLatency;
  const f = r.failover;
  const cfg = `${r.config.tickMs} ms ticks, election ${r.config.electionTicks} ticks`;
  return [
    { area: 'raft', name: 'Raft commit latency (propose -> committed on a quorum, fsync)', value: c.p50Ms, unit: 'ms', text: `p50; p99 ${c.p99Ms} ms, max ${c.maxMs} ms over ${c.count}` },
    { area: 'raft', name: `Raft first election (${cfg})`, value: r.firstElectionMs, unit: 'ms' },
    { area: 'raft', name: 'Raft election after kill -9 of the leader', value: f.medianMs, unit: 'ms', text: `median; max ${f.maxMs} ms over ${f.count}` },
  ];
}
