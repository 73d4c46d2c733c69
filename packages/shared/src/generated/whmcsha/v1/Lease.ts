// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Lease {
  'node'?: (string);
  'epoch'?: (number | string | Long);
  'term'?: (number | string | Long);
  'durationMs'?: (number);
}

export interface Lease__Output {
  'node': (string);
  'epoch': (number);
  'term': (number);
  'durationMs': (number);
}
