// Original file: proto/whmcsha/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftEntry {
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  /**
   * "normal" | "conf" | "noop"
   */
  'type'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftEntry__Output {
  'term': (number);
  'index': (number);
  /**
   * "normal" | "conf" | "noop"
   */
  'type': (string);
  'data': (Buffer);
}
