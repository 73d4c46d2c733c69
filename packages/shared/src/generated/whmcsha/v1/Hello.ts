// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Hello {
  'node'?: (string);
  'agentVersion'?: (string);
  'highestEpoch'?: (number | string | Long);
}

export interface Hello__Output {
  'node': (string);
  'agentVersion': (string);
  'highestEpoch': (number);
}
