// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface PhpFpmState {
  'up'?: (boolean);
  'latencyMs'?: (number | string);
  'error'?: (string);
  'pool'?: (string);
  'acceptedConn'?: (number | string | Long);
  'listenQueue'?: (number);
  'activeProcesses'?: (number);
  'idleProcesses'?: (number);
  'totalProcesses'?: (number);
  'maxChildrenReached'?: (number);
  'slowRequests'?: (number | string | Long);
  /**
   * the paths the agent probes, and whether each answered
   */
  'pingPath'?: (string);
  'statusPath'?: (string);
  'pingOk'?: (boolean);
  'statusOk'?: (boolean);
}

export interface PhpFpmState__Output {
  'up': (boolean);
  'latencyMs': (number);
  'error': (string);
  'pool': (string);
  'acceptedConn': (number);
  'listenQueue': (number);
  'activeProcesses': (number);
  'idleProcesses': (number);
  'totalProcesses': (number);
  'maxChildrenReached': (number);
  'slowRequests': (number);
  /**
   * the paths the agent probes, and whether each answered
   */
  'pingPath': (string);
  'statusPath': (string);
  'pingOk': (boolean);
  'statusOk': (boolean);
}
