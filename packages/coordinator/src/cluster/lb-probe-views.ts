import { CHANNEL_OPTIONS, clientConstructor, grpc } from '@whmcs-ha/shared';
import type { ProbeResult } from './node-prober.js';

interface StatusStub extends grpc.Client {
  Status(req: object, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: { json: string }) => void): void;
}

interface PeerView {
  at: number;
  /** the peer runs a load balancer (its status carries an `lb` section) */
  hasLb: boolean;
  probes: Record<string, { up: boolean; error: string }>;
}

/**
 * DESIGN §6 asks whether the *load balancer* can still reach the active, not
 * whether the leader can: a leader cut off from web001 while lb1 still serves
 * it must not fail over (the chaos suite's partial partition did exactly
 * that). So the leader asks every peer for its status, and the peers that run
 * an LB lend their own HTTP probes of the nodes. Calls are concurrent, bounded
 * and never awaited by the decision cycle.
 */
export class LbProbeViews {
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
        try {
          const s = JSON.parse(reply.json) as { lb?: unknown; nodes?: Array<{ name: string; probe: { up: boolean; error: string } | null }> };
          const probes: PeerView['probes'] = {};
          for (const n of s.nodes ?? []) if (n.probe) probes[n.name] = { up: Boolean(n.probe.up), error: String(n.probe.error ?? '') };
          this.views.set(p.id, { at: Date.now(), hasLb: s.lb !== null && s.lb !== undefined, probes });
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
      const p = v.probes[node];
      if (!p) continue;
      if (p.up) return { up: true, at: v.at, error: '' };
      seen = { up: false, at: v.at, error: `from ${id}: ${p.error || 'down'}` };
    }
    return seen;
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
