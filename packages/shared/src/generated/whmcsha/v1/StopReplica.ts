// Original file: proto/whmcsha/v1/agent.proto


export interface StopReplica {
  'disconnectReplicas'?: (boolean);
}

export interface StopReplica__Output {
  'disconnectReplicas': (boolean);
}
