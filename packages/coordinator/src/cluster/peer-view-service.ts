import type { PeerHandlers, PeerView } from '@whmcs-ha/shared';
import { reportAge, semiSyncFellBack, type NodeObservation } from '../engine/node-health.js';

/** What the Peer service reads from this coordinator. */
export interface PeerViewPort {
  /** every node as this coordinator observes it: its latest report and the probe it goes by */
  observations(): NodeObservation[];
  /** this coordinator runs a load balancer, so its probes are the LB's view */
  hasLb: boolean;
}

/**
 * This coordinator's evidence about each node, for the others (peer-views.ts
 * reads it): the probe it goes by, and its latest report of the node when that
 * report has MySQL up, dated by its age here, since clocks differ between hosts.
 */
export function peerView(nodes: NodeObservation[], hasLb: boolean, now: number): PeerView {
  return {
    hasLb,
    nodes: nodes.map((o) => {
      const m = o.report?.mysql;
      const age = reportAge(o, now);
      return {
        name: o.name,
        probe: o.probe ? { up: o.probe.up, error: o.probe.error } : null,
        mysql: m?.up && age !== null ? { ageMs: age, gtidExecuted: m.gtidExecuted, semiSyncOff: semiSyncFellBack(m) } : null,
      };
    }),
  };
}

/** The Peer service (peer.proto); the access policy admits coordinator certificates only. */
export function peerViewService(port: PeerViewPort): PeerHandlers {
  return {
    View: (_call, cb) => cb(null, peerView(port.observations(), port.hasLb, Date.now())),
  };
}
