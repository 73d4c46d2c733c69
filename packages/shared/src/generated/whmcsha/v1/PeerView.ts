// Original file: proto/whmcsha/v1/peer.proto

import type { PeerNodeView as _whmcsha_v1_PeerNodeView, PeerNodeView__Output as _whmcsha_v1_PeerNodeView__Output } from '../../whmcsha/v1/PeerNodeView.js';

export interface PeerView {
  /**
   * the answering coordinator runs a load balancer: its probes are the LB's view
   */
  'hasLb'?: (boolean);
  'nodes'?: (_whmcsha_v1_PeerNodeView)[];
}

export interface PeerView__Output {
  /**
   * the answering coordinator runs a load balancer: its probes are the LB's view
   */
  'hasLb': (boolean);
  'nodes': (_whmcsha_v1_PeerNodeView__Output)[];
}
