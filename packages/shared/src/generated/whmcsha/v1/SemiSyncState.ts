// Original file: proto/whmcsha/v1/agent.proto


export interface SemiSyncState {
  'primaryEnabled'?: (boolean);
  'replicaEnabled'?: (boolean);
  'primaryStatus'?: (boolean);
  'replicaStatus'?: (boolean);
  'primaryClients'?: (number);
}

export interface SemiSyncState__Output {
  'primaryEnabled': (boolean);
  'replicaEnabled': (boolean);
  'primaryStatus': (boolean);
  'replicaStatus': (boolean);
  'primaryClients': (number);
}
