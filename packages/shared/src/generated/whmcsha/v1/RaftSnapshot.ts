// Original file: proto/whmcsha/v1/raft.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftSnapshot {
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
  'voters'?: (string)[];
  'data'?: (Buffer | Uint8Array | string);
}

export interface RaftSnapshot__Output {
  'index': (number);
  'term': (number);
  'voters': (string)[];
  'data': (Buffer);
}
