import { CHANNEL_OPTIONS, clientConstructor, grpc, InputError, peerViewSchema, schemaProblem, type PeerProbe, type ServiceClient } from '@whmcs-ha/shared';
import type { PeerSeen } from '../engine/node-health.js';
import type { ProbeResult } from './node-prober.js';

interface HeldNodeView {
  probe: PeerProbe | null;
  /** when the peer received its latest report of the node with MySQL up (this coordinator's clock), and what it said */
  mysql: { at: number; gtidExecuted: string; semiSyncOff: boolean } | null;
}

/** One peer's answer as kept here, dated by this coordinator's clock. */
interface HeldView {
  at: number;
  /** the peer runs a load balancer */
  hasLb: boolean;
  nodes: Record<string, HeldNodeView>;
}

/**
 * What the other coordinators see, asked of their Peer service every cycle (peer-view-service.ts answers):
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
  private views = new Map<string, HeldView>();
  private stubs = new Map<string, ServiceClient<'Peer'>>();
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
      this.stub(p).View({}, { deadline: new Date(Date.now() + this.timeoutMs) }, (err, reply) => {
        this.inFlight.delete(p.id);
        if (err || !reply) return;
        const at = Date.now();
        try {
          this.views.set(p.id, { at, ...readPeerView(reply, at) });
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

  private stub(p: { id: string; address: string }): ServiceClient<'Peer'> {
    let s = this.stubs.get(p.id);
    if (!s) {
      const Ctor = clientConstructor('Peer');
      s = new Ctor(p.address, this.credentials(p.id), { ...CHANNEL_OPTIONS, ...this.channelOptions });
      this.stubs.set(p.id, s);
    }
    return s;
  }
}

/**
 * A peer's Peer.View reply, checked (it is another process's word) and dated by this coordinator's
 * clock: a report `ageMs` old there arrived at `at - ageMs` here. Throws an InputError naming the field.
 */
export function readPeerView(reply: unknown, at: number): Omit<HeldView, 'at'> {
  const parsed = peerViewSchema.safeParse(reply);
  if (!parsed.success) throw new InputError('peer view', schemaProblem(parsed.error));
  const nodes: Record<string, HeldNodeView> = {};
  for (const n of parsed.data.nodes) {
    const m = n.mysql;
    nodes[n.name] = {
      probe: n.probe ? { up: n.probe.up, error: n.probe.error } : null,
      mysql: m ? { at: at - m.ageMs, gtidExecuted: m.gtidExecuted, semiSyncOff: m.semiSyncOff } : null,
    };
  }
  return { hasLb: parsed.data.hasLb, nodes };
}
