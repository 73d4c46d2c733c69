// Original file: proto/whmcsha/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftEntry {
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  'type'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftEntry__Output {
  'term': (number);
  'index': (number);
  'type': (string);
  'data': (Buffer);
}
