// Original file: proto/whmcsha/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

export interface PeerMysqlUp {
  /**
   * how long ago the report arrived, on the answering coordinator's clock
   */
  'ageMs'?: (number | string | Long);
  'gtidExecuted'?: (string);
  /**
   * semi-sync enabled on the primary but fallen back to async (it may hold acknowledged writes no replica has)
   */
  'semiSyncOff'?: (boolean);
}

export interface PeerMysqlUp__Output {
  /**
   * how long ago the report arrived, on the answering coordinator's clock
   */
  'ageMs': (number);
  'gtidExecuted': (string);
  /**
   * semi-sync enabled on the primary but fallen back to async (it may hold acknowledged writes no replica has)
   */
  'semiSyncOff': (boolean);
}
