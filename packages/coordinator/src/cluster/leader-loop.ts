import type { Logger } from '@whmcs-ha/shared';
import { decide } from '../engine/decide.js';
import type { DecideResult } from '../engine/decision.js';
import { track, type EngineConfig, type NodeObservation, type NodeTracker } from '../engine/node-health.js';
import type { Executor } from './executor.js';
import type { PeerViews } from './peer-views.js';
import type { NodeProber } from './node-prober.js';
import type { AgentPort, Consensus } from './ports.js';
import type { ReplicatedState } from './replicated-state.js';

export interface LeaderLoopOptions {
  engine: EngineConfig;
  consensus: Pick<Consensus, 'status'>;
  agents: AgentPort;
  prober: NodeProber;
  state: ReplicatedState;
  executor: Executor;
  logger: Logger;
  cycleMs: number;
  leaseMs: number;
  /** what the other coordinators see of each node (their LB probes, their agents' reports) */
  peerViews: PeerViews | null;
  /** this coordinator runs a load balancer: its own probe is the LB's view */
  ownLb: boolean;
}

/**
 * Patroni's run_cycle, made purer: gather a snapshot, call decide(), log its
 * sentence, hand the decisions to the executor. Runs on every coordinator but
 * acts only while this one is the leader with a valid quorum lease.
 */
export class LeaderLoop {
  private timer: NodeJS.Timeout | null = null;
  private trackers: Record<string, NodeTracker> = {};
  private lastSentence = '';
  last: (DecideResult & { at: number }) | null = null;

  constructor(private readonly o: LeaderLoopOptions) {}

  start(): void {
    this.timer = setInterval(() => this.cycle(), this.o.cycleMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  observations(now = Date.now()): NodeObservation[] {
    return this.o.engine.nodes.map((n) => {
      const l = this.o.agents.latest(n.name);
      // the LB's reachability is the evidence that matters; the leader's own probe only without any LB view
      const probe = (this.o.ownLb ? null : this.o.peerViews?.probe(n.name, now)) ?? this.o.prober.get(n.name);
      return { name: n.name, report: l?.report ?? null, receivedAt: l?.receivedAt ?? null, probe, peerSeen: this.o.peerViews?.mysql(n.name, now) ?? null };
    });
  }

  cycle(): void {
    this.o.peerViews?.refresh();
    const st = this.o.consensus.status();
    const now = Date.now();
    const nodes = this.observations(now);
    const state = this.o.state.state;
    this.trackers = track(this.trackers, nodes, this.o.engine, now, state.fileSource?.digest ?? null);
    if (st.role !== 'leader' || !st.leaseValid) {
      this.last = null;
      this.lastSentence = '';
      return;
    }
    const result = decide({ state, nodes, trackers: this.trackers }, this.o.engine, now);
    this.last = { ...result, at: now };
    // "log when it changes" means when what it says changes: a sentence that differs only in a duration
    // ("silent for 2.5s" -> "2.7s") is the same situation, logged once, not every cycle
    const gist = sentenceGist(result.sentence);
    if (gist !== this.lastSentence) {
      this.o.logger.info({ decisions: result.decisions, warnings: result.warnings, epoch: state.epoch }, result.sentence);
      this.lastSentence = gist;
    } else {
      this.o.logger.debug({ epoch: state.epoch }, result.sentence);
    }
    for (const d of result.decisions) this.o.executor.execute(d, state);
    this.renewLeases(state, st.term);
  }

  /** The cron gate's lease (invariant 4): only the active at the current epoch, only from a leader with quorum. */
  private renewLeases(state: ReplicatedState['state'], term: number): void {
    if (!state.initialized || state.operation) return;
    const holders = state.mode === 'active-passive' ? (state.active ? [state.active] : []) : state.serving.slice(0, 1);
    for (const node of holders) {
      this.o.agents.sendLease(node, { node, epoch: state.epoch, term, durationMs: this.o.leaseMs });
    }
  }
}

/**
 * A decision sentence with its durations blanked out ("silent for 2.5s", "lags 3s", "in 250 ms"): what
 * decides whether it is logged again. Other numbers (epochs, GTIDs, counts) are the situation itself.
 */
export function sentenceGist(sentence: string): string {
  return sentence.replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, '#s');
}
