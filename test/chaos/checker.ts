/**
 * The checker: pure functions from what the run recorded (client writes, the final rows of both
 * databases, the coordinators' history, the nemesis's ground truth) to the findings.
 *
 * Definitions (all times are epoch ms on the lab machine's one clock):
 *  - lost write: a write acknowledged to the client (HTTP 201) whose id is missing from a node's
 *    final database, after both nodes converged (each node is checked); and, when the cluster stuck
 *    with a node kept out for errant transactions, an acknowledged write the active lacked then (the
 *    harness merges them back to go on, but clients had already lost them: `lostOnActive`).
 *  - split-brain window: order the acknowledged writes by their server-side commit time (created_at,
 *    written by the node that took the write) and cut the sequence into runs of one server_id. A run of
 *    node Y between two runs of node X is a split-brain window unless the coordinators moved the writer
 *    at least twice (failover-done / switchover-done events) between the end of the first X run and the
 *    start of the second: two nodes took client writes in overlapping windows.
 *  - availability: the fraction of 1-second buckets of the workload with at least one acknowledged
 *    write (time), and the fraction of requests acknowledged (requests).
 *  - outage of a fault: the longest gap between consecutive acknowledgements between the fault's
 *    injection and the cluster settling after its healing; RTO = end of that gap - injection (0 when
 *    no gap exceeds 1 s).
 *  - wrongful failover: an automatic failover away from node X that began when no fault impairing X
 *    (X's MySQL or PHP-FPM killed or frozen, X cut from the LB or from everyone) was in effect at any
 *    time in [begin - failureThreshold - grace, begin].
 */
import type { HistoryEvent } from './cluster.js';
import type { Fault } from './nemesis.js';
import type { WriteRecord } from './workload.js';

export interface Row {
  id: string;
  serverId: number;
  node: string;
  /** created_at, epoch ms */
  createdAt: number;
}

export interface CheckInput {
  records: WriteRecord[];
  /** final rows of this run, per node name */
  rows: Record<string, Row[]>;
  history: HistoryEvent[];
  faults: Fault[];
  startedAt: number;
  endedAt: number;
  failureThresholdMs: number;
  /** detection and decision latency allowed after a fault is healed (reports, cycle, Raft commit) */
  graceMs: number;
}

export interface SplitBrainWindow {
  node: string;
  between: string;
  from: number;
  to: number;
  writes: number;
  writerChangesBetween: number;
}

export interface FailoverJudgement {
  at: number;
  from: string;
  to: string;
  text: string;
  wrongful: boolean;
  /** the fault that justified it, by number */
  justifiedBy: number | null;
}

export interface FaultOutcome {
  n: number;
  kind: string;
  /** the ground truth: did the fault stop the active from serving through the LB */
  impairsActive: boolean;
  outageMs: number;
  rtoMs: number;
  failover: boolean;
}

export interface CheckResult {
  writes: { sent: number; acknowledged: number; failed: number };
  lost: Record<string, { count: number; sample: string[] }>;
  /** acknowledged writes the active lacked while a node was kept out, per fault (see lostOnActive) */
  lostAtFailover: Array<{ n: number; kind: string; node: string; count: number; sample: string[] }>;
  lostTotal: number;
  splitBrain: SplitBrainWindow[];
  availability: { time: number; requests: number; unavailableSeconds: number };
  /**
   * Outages during faults that should not have interrupted clients (the active kept its MySQL,
   * PHP-FPM and LB path): unavailability the product itself caused, in ms.
   */
  outageNotExplainedMs: number;
  faults: FaultOutcome[];
  rtoByKind: Record<string, { count: number; medianMs: number; maxMs: number }>;
  failovers: FailoverJudgement[];
  wrongfulFailovers: number;
  stuck: Array<{ n: number; kind: string; problem: string }>;
  /** acknowledged writes whose row says another node took them than the response did */
  misattributed: number;
}

const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

export function lostWrites(records: WriteRecord[], rows: Record<string, Row[]>): CheckResult['lost'] {
  const acked = records.filter((r) => r.status === 201).map((r) => r.id);
  const out: CheckResult['lost'] = {};
  for (const [node, rs] of Object.entries(rows)) {
    const have = new Set(rs.map((r) => r.id));
    const missing = acked.filter((id) => !have.has(id));
    out[node] = { count: missing.length, sample: missing.slice(0, 20) };
  }
  return out;
}

/**
 * Writer changes as intervals from an operation's begin to its end (done or aborted): the new writer
 * takes its first write between promote and done, the old one may take its last after begin.
 */
export function writerChanges(history: HistoryEvent[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let begin: number | null = null;
  for (const e of history) {
    if (e.kind === 'failover-begin' || e.kind === 'switchover-begin') begin = e.at;
    else if (e.kind === 'failover-done' || e.kind === 'switchover-done') {
      out.push([begin ?? e.at, e.at]);
      begin = null;
    } else if (e.kind === 'failover-aborted' || e.kind === 'switchover-aborted') begin = null;
  }
  return out;
}

export function splitBrainWindows(records: WriteRecord[], rows: Row[], history: HistoryEvent[]): SplitBrainWindow[] {
  const acked = new Set(records.filter((r) => r.status === 201).map((r) => r.id));
  const seq = rows.filter((r) => acked.has(r.id)).sort((a, b) => a.createdAt - b.createdAt);
  const runs: Array<{ node: string; from: number; to: number; writes: number }> = [];
  for (const r of seq) {
    const last = runs[runs.length - 1];
    if (last && last.node === r.node) {
      last.to = r.createdAt;
      last.writes += 1;
    } else runs.push({ node: r.node, from: r.createdAt, to: r.createdAt, writes: 1 });
  }
  const changes = writerChanges(history);
  const out: SplitBrainWindow[] = [];
  for (let i = 1; i + 1 < runs.length; i++) {
    const [a, b, c] = [runs[i - 1]!, runs[i]!, runs[i + 1]!];
    if (a.node !== c.node) continue;
    const between = changes.filter(([b0, b1]) => b1 >= a.to && b0 <= c.from).length;
    if (between < 2) out.push({ node: b.node, between: a.node, from: b.from, to: b.to, writes: b.writes, writerChangesBetween: between });
  }
  return out;
}

export function availability(records: WriteRecord[], startedAt: number, endedAt: number): CheckResult['availability'] {
  const buckets = Math.max(1, Math.floor((endedAt - startedAt) / 1000));
  const ok = new Set<number>();
  for (const r of records) {
    if (r.status !== 201) continue;
    const b = Math.floor((r.ackAt - startedAt) / 1000);
    if (b >= 0 && b < buckets) ok.add(b);
  }
  const acked = records.filter((r) => r.status === 201).length;
  return { time: ok.size / buckets, requests: records.length === 0 ? 0 : acked / records.length, unavailableSeconds: buckets - ok.size };
}

export function faultOutcomes(records: WriteRecord[], faults: Fault[], history: HistoryEvent[], endedAt: number): FaultOutcome[] {
  const acks = records
    .filter((r) => r.status === 201)
    .map((r) => r.ackAt)
    .sort((a, b) => a - b);
  const failoverAts = history.filter((e) => e.kind === 'failover-begin').map((e) => e.at);
  return faults.map((f, i) => {
    // the fault's own time: from injection until the cluster settled after healing (not the quiet time after)
    const windowEnd = Math.min(faults[i + 1]?.injectedAt ?? endedAt, f.settledAt ?? Infinity);
    let best = { gap: 0, end: f.injectedAt };
    for (let k = 1; k < acks.length; k++) {
      const [p, q] = [acks[k - 1]!, acks[k]!];
      if (q < f.injectedAt || p > windowEnd) continue;
      // the gap must reach past the injection (an outage that began before it is not this fault's)
      const gap = q - Math.max(p, f.injectedAt);
      if (gap > best.gap) best = { gap, end: q };
    }
    const outage = best.gap > 1000 ? best.gap : 0;
    return {
      n: f.n,
      kind: f.kind,
      impairsActive: f.impairsActive,
      outageMs: Math.round(outage),
      rtoMs: outage > 0 ? Math.round(best.end - f.injectedAt) : 0,
      failover: failoverAts.some((t) => t >= f.injectedAt && t < windowEnd),
    };
  });
}

export function judgeFailovers(history: HistoryEvent[], faults: Fault[], failureThresholdMs: number, graceMs: number): FailoverJudgement[] {
  const out: FailoverJudgement[] = [];
  for (const e of history) {
    if (e.kind !== 'failover-begin') continue;
    const m = /failover from (\S+) to (\S+) began/.exec(e.text);
    const from = m?.[1] ?? '?';
    const to = m?.[2] ?? '?';
    const lookback = e.at - failureThresholdMs - graceMs;
    const f = faults.find((x) => x.impairsActive && x.activeAtInjection === from && x.injectedAt <= e.at && (x.healedAt ?? Infinity) >= lookback);
    out.push({ at: e.at, from, to, text: e.text, wrongful: !f, justifiedBy: f?.n ?? null });
  }
  return out;
}

export function check(inp: CheckInput): CheckResult {
  const lost = lostWrites(inp.records, inp.rows);
  // the commit order is the same on every node (created_at replicates with the row); use the fullest
  const fullest = Object.values(inp.rows).sort((a, b) => b.length - a.length)[0] ?? [];
  const faults = faultOutcomes(inp.records, inp.faults, inp.history, inp.endedAt);
  const rtoByKind: CheckResult['rtoByKind'] = {};
  for (const k of new Set(faults.map((f) => f.kind))) {
    const xs = faults.filter((f) => f.kind === k).map((f) => f.rtoMs);
    rtoByKind[k] = { count: xs.length, medianMs: median(xs), maxMs: Math.max(...xs) };
  }
  const failovers = judgeFailovers(inp.history, inp.faults, inp.failureThresholdMs, inp.graceMs);
  const byId = new Map(fullest.map((r) => [r.id, r]));
  const acked = inp.records.filter((r) => r.status === 201);
  return {
    writes: { sent: inp.records.length, acknowledged: acked.length, failed: inp.records.length - acked.length },
    lost,
    lostAtFailover: inp.faults.filter((f) => f.lostOnActive && f.lostOnActive.count > 0).map((f) => ({ n: f.n, kind: f.kind, ...f.lostOnActive! })),
    lostTotal:
      Object.values(lost).reduce((s, x) => s + x.count, 0) + inp.faults.reduce((s, f) => s + (f.lostOnActive?.count ?? 0), 0),
    splitBrain: splitBrainWindows(inp.records, fullest, inp.history),
    availability: availability(inp.records, inp.startedAt, inp.endedAt),
    faults,
    outageNotExplainedMs: faults.filter((f) => !f.impairsActive).reduce((a, f) => a + f.outageMs, 0),
    rtoByKind,
    failovers,
    wrongfulFailovers: failovers.filter((f) => f.wrongful).length,
    stuck: inp.faults.filter((f) => f.stuck).map((f) => ({ n: f.n, kind: f.kind, problem: f.stuck! })),
    misattributed: acked.filter((r) => byId.has(r.id) && byId.get(r.id)!.node !== r.node).length,
  };
}
