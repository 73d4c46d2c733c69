import { LoopbackCluster } from './driver/loopback-cluster.js';
import { ProcessCluster } from './driver/process-cluster.js';

export interface RaftBenchOptions {
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  /** Sequential proposals timed for commit latency. */
  proposals?: number;
  /** Leader kills timed for failover. */
  failovers?: number;
  onProgress?: (line: string) => void;
}

export interface LatencyFigures {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface RaftBenchResult {
  config: { voters: number; tickMs: number; electionTicks: number; heartbeatTicks: number; fsync: true };
  /** From start to the first leader with a valid lease. */
  firstElectionMs: number;
  /** propose() to resolved (committed on a quorum, fsync'd, applied on the leader). */
  commitLatency: LatencyFigures;
  /** Leader process killed with SIGKILL to a new leader that all live nodes agree on, holding a valid lease. */
  failover: LatencyFigures & { medianMs: number };
}

function figures(samples: number[]): LatencyFigures {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: s.length,
    meanMs: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(s[s.length - 1] ?? NaN),
  };
}

/**
 * Three real RaftNodes over gRPC on 127.0.0.1 with fsync'd storage in a temp
 * directory: commit latency (in one process), then repeated kill -9 of the
 * leader (one process per node). Defaults are the
 * production timing (100 ms ticks, heartbeat 1 tick, election 10 ticks).
 */
export async function runRaftBench(opts: RaftBenchOptions = {}): Promise<RaftBenchResult> {
  const tickMs = opts.tickMs ?? 100;
  const electionTicks = opts.electionTicks ?? 10;
  const heartbeatTicks = opts.heartbeatTicks ?? 1;
  const progress = opts.onProgress ?? (() => {});
  const cluster = new LoopbackCluster({ tickMs, electionTicks, heartbeatTicks, snapshotEvery: 1000 });
  try {
    const t0 = performance.now();
    await cluster.start();
    let leader = await cluster.waitForLeader(30_000);
    const firstElectionMs = performance.now() - t0;
    progress(`first leader ${leader} after ${firstElectionMs.toFixed(0)} ms`);

    const data = new TextEncoder().encode('x'.repeat(100));
    const commits: number[] = [];
    const n = opts.proposals ?? 500;
    for (let i = 0; i < 20; i++) await cluster.node(leader).propose(data); // warm-up
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await cluster.node(leader).propose(data);
      commits.push(performance.now() - s);
    }
    progress(`commit latency over ${n} proposals measured`);

    await cluster.stop();
    const failovers = await measureFailover(tickMs, electionTicks, heartbeatTicks, opts.failovers ?? 20, progress);
    const f = figures(failovers);
    return {
      config: { voters: 3, tickMs, electionTicks, heartbeatTicks, fsync: true },
      firstElectionMs: Math.round(firstElectionMs),
      commitLatency: figures(commits),
      failover: { ...f, medianMs: f.p50Ms },
    };
  } finally {
    await cluster.stop();
  }
}

/** Three node processes; each run kills the leader with SIGKILL and times the next agreed leader with a valid lease. */
async function measureFailover(
  tickMs: number,
  electionTicks: number,
  heartbeatTicks: number,
  runs: number,
  progress: (l: string) => void,
): Promise<number[]> {
  const procs = new ProcessCluster({ tickMs, electionTicks, heartbeatTicks });
  const out: number[] = [];
  try {
    await procs.start();
    let leader = await procs.waitFor('a leader', () => procs.agreedLeader(), 30_000);
    for (let i = 0; i < runs; i++) {
      const old = leader;
      // Settle: everyone caught up and in the steady heartbeat rhythm.
      await procs.waitFor('all caught up', async () => {
        const st = await procs.status(old);
        return st.leaseValid && st.peers.every((p) => p.matchIndex === st.commitIndex);
      }, 30_000);
      await new Promise((r) => setTimeout(r, 3 * tickMs));
      const s = performance.now();
      procs.kill9(old);
      leader = await procs.waitFor('a new leader', () => procs.agreedLeader(), 30_000);
      out.push(performance.now() - s);
      progress(`failover ${i + 1}/${runs}: kill -9 ${old} -> ${leader} in ${out.at(-1)!.toFixed(0)} ms`);
      await procs.restart(old);
      await procs.propose(leader, 'after-failover');
    }
    return out;
  } finally {
    await procs.stop();
  }
}

// `node --import tsx packages/coordinator/src/raft/bench.ts` prints the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  runRaftBench({ onProgress: (l) => console.error(l) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
