// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Lease {
  /**
   * the active node the lease is for
   */
  'node'?: (string);
  'epoch'?: (number | string | Long);
  'term'?: (number | string | Long);
  /**
   * valid for this long from receipt
   */
  'durationMs'?: (number);
}

export interface Lease__Output {
  /**
   * the active node the lease is for
   */
  'node': (string);
  'epoch': (number);
  'term': (number);
  /**
   * valid for this long from receipt
   */
  'durationMs': (number);
}
