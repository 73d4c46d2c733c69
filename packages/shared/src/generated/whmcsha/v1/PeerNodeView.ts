// Original file: proto/whmcsha/v1/peer.proto

import type { PeerProbe as _whmcsha_v1_PeerProbe, PeerProbe__Output as _whmcsha_v1_PeerProbe__Output } from '../../whmcsha/v1/PeerProbe.js';
import type { PeerMysqlUp as _whmcsha_v1_PeerMysqlUp, PeerMysqlUp__Output as _whmcsha_v1_PeerMysqlUp__Output } from '../../whmcsha/v1/PeerMysqlUp.js';

export interface PeerNodeView {
  'name'?: (string);
  /**
   * the HTTP probe the answering coordinator goes by; absent when it has none
   */
  'probe'?: (_whmcsha_v1_PeerProbe | null);
  /**
   * its latest report of the node when that report has MySQL up; absent otherwise
   */
  'mysql'?: (_whmcsha_v1_PeerMysqlUp | null);
}

export interface PeerNodeView__Output {
  'name': (string);
  /**
   * the HTTP probe the answering coordinator goes by; absent when it has none
   */
  'probe': (_whmcsha_v1_PeerProbe__Output | null);
  /**
   * its latest report of the node when that report has MySQL up; absent otherwise
   */
  'mysql': (_whmcsha_v1_PeerMysqlUp__Output | null);
}
