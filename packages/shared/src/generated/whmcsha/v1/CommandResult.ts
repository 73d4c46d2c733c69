// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface CommandResult {
  'id'?: (string);
  'node'?: (string);
  'epoch'?: (number | string | Long);
  'ok'?: (boolean);
  'error'?: (string);
  'durationMs'?: (number | string);
  /**
   * JSON with command-specific output
   */
  'detail'?: (string);
}

export interface CommandResult__Output {
  'id': (string);
  'node': (string);
  'epoch': (number);
  'ok': (boolean);
  'error': (string);
  'durationMs': (number);
  /**
   * JSON with command-specific output
   */
  'detail': (string);
}
