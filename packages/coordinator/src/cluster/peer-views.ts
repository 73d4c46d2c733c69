import { CHANNEL_OPTIONS, clientConstructor, grpc } from '@whmcs-ha/shared';
import type { PeerSeen } from '../engine/node-health.js';
import type { ProbeResult } from './node-prober.js';

interface StatusStub extends grpc.Client {
  Status(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: { json: string }) => void): void;
}

interface PeerNodeView {
  probe: { up: boolean; error: string } | null;
  /** when the peer received its latest report of the node with MySQL up (this coordinator's clock), and what it said */
  mysql: { at: number; gtidExecuted: string; semiSyncOff: boolean } | null;
}

interface PeerView {
  at: number;
  /** the peer runs a load balancer (its status carries an `lb` section) */
  hasLb: boolean;
  nodes: Record<string, PeerNodeView>;
}

/**
 * What the other coordinators see, read from their status every cycle:
 *
 * - DESIGN §6 asks whether the *load balancer* can still reach the active, not whether the leader can:
 *   a leader cut off from web001 while lb1 still serves it must not fail over (the chaos suite's
 *   partial partition did exactly that). So the peers that run an LB lend their HTTP probes.
 * - A leader cut off from the active must still learn that the active's semi-sync fell back to async
 *   (reported to a peer that still hears it): a failover then could lose acknowledged writes.
 *
 * Calls are concurrent, bounded and never awaited by the decision cycle.
 */
export class PeerViews {
  private views = new Map<string, PeerView>();
  private stubs = new Map<string, StatusStub>();
  private inFlight = new Set<string>();

  constructor(
    private readonly peers: Array<{ id: string; address: string }>,
    private readonly credentials: (peer: string) => grpc.ChannelCredentials,
    private readonly channelOptions: grpc.ChannelOptions,
    private readonly timeoutMs: number,
    /** a view older than this is no evidence */
    private readonly maxAgeMs: number,
  ) {}

  /** Asks every peer once (skipping a peer whose previous call is still out). */
  refresh(): void {
    for (const p of this.peers) {
      if (this.inFlight.has(p.id)) continue;
      this.inFlight.add(p.id);
      this.stub(p).Status({}, { deadline: new Date(Date.now() + this.timeoutMs) }, (err, reply) => {
        this.inFlight.delete(p.id);
        if (err || !reply) return;
        const at = Date.now();
        try {
          this.views.set(p.id, { at, ...parsePeerStatus(reply.json, at) });
        } catch {
          // a malformed answer is no evidence
        }
      });
    }
  }

  /**
   * The LB peers' probe of `node`, when at least one gave a fresh one: up if
   * any LB still reaches it (clients through that LB are served), else down.
   */
  probe(node: string, now = Date.now()): ProbeResult | null {
    let seen: ProbeResult | null = null;
    for (const [id, v] of this.views) {
      if (!v.hasLb || now - v.at > this.maxAgeMs) continue;
      const p = v.nodes[node]?.probe;
      if (!p) continue;
      if (p.up) return { up: true, at: v.at, error: '' };
      seen = { up: false, at: v.at, error: `from ${id}: ${p.error || 'down'}` };
    }
    return seen;
  }

  /** The newest report of `node` with MySQL up that any peer holds, or null. */
  mysql(node: string, now = Date.now()): PeerSeen | null {
    let best: PeerSeen | null = null;
    for (const [id, v] of this.views) {
      if (now - v.at > this.maxAgeMs) continue;
      const m = v.nodes[node]?.mysql;
      if (m && (!best || m.at > best.at)) best = { at: m.at, by: id, gtidExecuted: m.gtidExecuted, semiSyncOff: m.semiSyncOff };
    }
    return best;
  }

  close(): void {
    for (const s of this.stubs.values()) s.close();
    this.stubs.clear();
  }

  private stub(p: { id: string; address: string }): StatusStub {
    let s = this.stubs.get(p.id);
    if (!s) {
      const Ctor = clientConstructor('Control');
      s = new Ctor(p.address, this.credentials(p.id), { ...CHANNEL_OPTIONS, ...this.channelOptions }) as unknown as StatusStub;
      this.stubs.set(p.id, s);
    }
    return s;
  }
}

/** The parts of a peer's status JSON (DESIGN §11) the leader uses; throws on a malformed answer. */
export function parsePeerStatus(json: string, at: number): Omit<PeerView, 'at'> {
  const s = JSON.parse(json) as {
    lb?: unknown;
    nodes?: Array<{
      name: string;
      lastReportAgeMs?: number | null;
      probe: { up: boolean; error: string } | null;
      mysql?: { up?: boolean; gtidExecuted?: string; semiSync?: string };
    }>;
  };
  const nodes: Record<string, PeerNodeView> = {};
  for (const n of s.nodes ?? []) {
    const m = n.mysql;
    const age = typeof n.lastReportAgeMs === 'number' ? n.lastReportAgeMs : null;
    nodes[String(n.name)] = {
      probe: n.probe ? { up: Boolean(n.probe.up), error: String(n.probe.error ?? '') } : null,
      mysql: m?.up && age !== null ? { at: at - age, gtidExecuted: String(m.gtidExecuted ?? ''), semiSyncOff: m.semiSync === 'async' } : null,
    };
  }
  return { hasLb: s.lb !== null && s.lb !== undefined, nodes };
}
