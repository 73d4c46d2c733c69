// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Welcome {
  'coordinatorId'?: (string);
  'leader'?: (boolean);
  'term'?: (number | string | Long);
}

export interface Welcome__Output {
  'coordinatorId': (string);
  'leader': (boolean);
  'term': (number);
}
