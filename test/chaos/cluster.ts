/**
 * The harness's view of the cluster through the Control API (in-process gRPC client: polling
 * `whmcs-hactl` as a subprocess every second would cost a good part of a core on a 2-core machine).
 * It samples status every second and keeps every history event it has seen (the replicated history
 * is capped, so a long run merges it as it goes).
 */
import { ControlClient } from '../../packages/hactl/src/control-client.js';
import { channelCredentials, loadHactlConfig, readTlsMaterial, type ClusterStatus, type HistoryEvent } from '../../packages/shared/src/index.js';
import type { LabLayout } from '../../deploy/lab/layout.js';
import { nowMs } from './workload.js';

// the status object and the history events: declared once, in packages/shared (status.ts, control-json.ts)
export type { ClusterStatus, HistoryEvent };

export interface Sample {
  at: number;
  /** null when no coordinator answered */
  active: string | null;
  leader: string | null;
  epoch: number;
  operation: string | null;
  /** nodes whose MySQL reported read_only=OFF */
  writable: string[];
  reachable: boolean;
}

/** Settled: a healthy writable active with semi-sync on, a healthy read-only passive, replication running both ways, one leader, nothing in progress. */
export function settledProblem(s: ClusterStatus): string | null {
  if (!s.active) return 'no active node';
  if (s.operation) return `${s.operation.kind} in progress (step ${s.operation.step})`;
  if (s.paused) return `automation paused: ${s.pausedReason ?? ''}`;
  if (Object.keys(s.excluded).length > 0) return `kept out: ${Object.keys(s.excluded).join(', ')}`;
  if (!s.leader.id) return 'no Raft leader';
  const down = s.coordinators.filter((c) => !c.reachable).map((c) => c.id);
  if (down.length > 0) return `coordinators unreachable: ${down.join(', ')}`;
  for (const n of s.nodes) {
    if (!n.healthy) return `${n.name} is unhealthy`;
    if (!n.mysql.ioRunning || !n.mysql.sqlRunning) return `${n.name} is not replicating (${n.mysql.lastError || 'threads stopped'})`;
    const shouldBeRo = n.name !== s.active;
    if (n.mysql.readOnly !== shouldBeRo) return `${n.name} has read_only=${n.mysql.readOnly ? 'ON' : 'OFF'}`;
    // the next fault must find commits waiting for the replica again, as they do in steady state
    if (n.name === s.active && n.mysql.semiSync === 'async') return `semi-sync on ${n.name} has not switched back on yet`;
  }
  return null;
}

export class ClusterView {
  readonly client: ControlClient;
  readonly samples: Sample[] = [];
  private readonly events = new Map<string, HistoryEvent>();
  private polling = false;
  private loop: Promise<void> | null = null;
  last: ClusterStatus | null = null;

  constructor(layout: LabLayout) {
    // the lab's hactl.yaml: its endpoints and, when the lab has a PKI, the operator's certificate
    const cfg = loadHactlConfig(layout.hactlFile);
    const creds = cfg.tls ? channelCredentials(readTlsMaterial(cfg.tls, { roles: ['operator'] }, cfg.source)) : undefined;
    this.client = new ControlClient(cfg.endpoints, 2000, creds);
  }

  async status(): Promise<ClusterStatus> {
    const { status: s } = await this.client.status();
    this.last = s;
    return s;
  }

  async pollHistory(): Promise<void> {
    try {
      for (const e of await this.client.history(200)) this.events.set(`${e.at}|${e.kind}|${e.text}`, e);
    } catch {
      /* no coordinator right now: the next poll gets it */
    }
  }

  history(): HistoryEvent[] {
    return [...this.events.values()].sort((a, b) => a.at - b.at);
  }

  start(intervalMs = 1000): void {
    this.polling = true;
    this.loop = (async () => {
      let n = 0;
      while (this.polling) {
        const at = nowMs();
        try {
          const s = await this.status();
          this.samples.push({
            at,
            active: s.active,
            leader: s.leader.id,
            epoch: s.epoch,
            operation: s.operation ? `${s.operation.kind}:${s.operation.step}` : null,
            writable: s.nodes.filter((x) => x.mysql.up && !x.mysql.readOnly).map((x) => x.name),
            reachable: true,
          });
        } catch {
          this.samples.push({ at, active: null, leader: null, epoch: -1, operation: null, writable: [], reachable: false });
        }
        if (++n % 5 === 0) await this.pollHistory();
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.loop;
    await this.pollHistory();
  }

  /** Waits until settled; returns the ms it took, or the last problem after timeoutMs. */
  async waitSettled(timeoutMs: number): Promise<{ ok: true; ms: number } | { ok: false; problem: string }> {
    const t0 = nowMs();
    let problem = 'no status yet';
    let streak = 0;
    while (nowMs() - t0 < timeoutMs) {
      try {
        const p = settledProblem(await this.status());
        problem = p ?? problem;
        // two settled answers in a row, a second apart: not a passing glimpse mid-change
        streak = p === null ? streak + 1 : 0;
        if (streak >= 2) return { ok: true, ms: nowMs() - t0 };
      } catch (e) {
        problem = `no coordinator answered: ${(e as Error).message.split('\n')[0]}`;
        streak = 0;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    return { ok: false, problem };
  }

  /** An operator's action (ack, resume) through the leader; returns its message. */
  async operate(action: 'ack' | 'resume'): Promise<string> {
    const r = await this.client.operate({ action, reason: 'chaos harness' });
    return r.message;
  }

  close(): void {
    this.client.close();
  }
}
