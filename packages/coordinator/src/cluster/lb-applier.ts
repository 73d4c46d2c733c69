import type { Logger } from '@whmcs-ha/shared';
import { lbTargets, type ClusterState } from '../engine/cluster-state.js';
import type { LbNode, LbWriter } from '../lb/lb-writer.js';

/**
 * Keeps this coordinator's load balancer in step with committed state, and
 * only committed state (invariant 3): it is fed by the replicated state's
 * change events, never by the leader's intentions. Applies are serialised and
 * coalesced: only the newest wanted state is written.
 */
export class LbApplier {
  private wanted: { targets: string[]; epoch: number; reason: string } | null = null;
  private applied: string[] | null = null;
  private running = false;
  lastApplyMs: number | null = null;
  lastError: string | null = null;
  private waiters: Array<() => boolean> = [];
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly writer: LbWriter,
    private readonly nodes: LbNode[],
    private readonly logger: Logger,
    /** called with the duration of every apply that changed the LB (the metrics histogram) */
    private readonly onApplied: (durationMs: number) => void = () => {},
  ) {}

  onState(s: ClusterState): void {
    if (!s.initialized) return;
    const targets = lbTargets(s);
    const last = s.history[s.history.length - 1];
    this.wanted = { targets, epoch: s.epoch, reason: last?.text ?? 'state change' };
    void this.pump();
  }

  current(): string[] | null {
    return this.applied;
  }

  /** Resolves true once the LB has been written with exactly these targets. */
  waitFor(targets: string[], timeoutMs: number): Promise<boolean> {
    const same = () => this.applied !== null && this.applied.join(',') === [...targets].sort().join(',');
    if (same()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(same()), timeoutMs);
      this.waiters.push(() => {
        if (!same()) return false;
        clearTimeout(t);
        resolve(true);
        return true;
      });
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.wanted) {
        const w = this.wanted;
        this.wanted = null;
        try {
          const r = await this.writer.apply({
            nodes: this.nodes,
            targets: w.targets,
            epoch: w.epoch,
            reason: w.reason,
            superseded: () => this.wanted !== null && this.wanted.targets.join(',') !== w.targets.join(','),
          });
          this.applied = [...w.targets].sort();
          this.lastError = null;
          if (r.superseded) {
            this.logger.info({ targets: w.targets, epoch: w.epoch, ms: Math.round(r.durationMs) }, 'load balancer written; verification cut short by a newer state');
          } else if (r.changed) {
            this.lastApplyMs = r.durationMs;
            this.onApplied(r.durationMs);
            this.logger.info({ targets: w.targets, epoch: w.epoch, ms: Math.round(r.durationMs), verifiedBy: r.verifiedBy }, 'load balancer updated');
          }
        } catch (e) {
          this.lastError = (e as Error).message;
          this.logger.error({ err: this.lastError, targets: w.targets }, 'load balancer update failed; retrying');
          // retry the newest wanted state soon, unless something newer arrives first
          if (!this.wanted) {
            if (this.retryTimer) clearTimeout(this.retryTimer);
            this.retryTimer = setTimeout(() => {
              if (!this.wanted) this.wanted = w;
              void this.pump();
            }, 2000);
            this.retryTimer.unref();
          }
        }
        this.waiters = this.waiters.filter((f) => !f());
      }
    } finally {
      this.running = false;
    }
  }
}
