// Original file: proto/whmcsha/v1/agent.proto


export interface ReplicaState {
  'configured'?: (boolean);
  'ioRunning'?: (boolean);
  'sqlRunning'?: (boolean);
  /**
   * -1 when NULL
   */
  'secondsBehind'?: (number | string);
  'lastIoErrno'?: (number);
  'lastIoError'?: (string);
  'lastSqlErrno'?: (number);
  'lastSqlError'?: (string);
  'sourceHost'?: (string);
  'sourcePort'?: (number);
  'ioState'?: (string);
}

export interface ReplicaState__Output {
  'configured': (boolean);
  'ioRunning': (boolean);
  'sqlRunning': (boolean);
  /**
   * -1 when NULL
   */
  'secondsBehind': (number);
  'lastIoErrno': (number);
  'lastIoError': (string);
  'lastSqlErrno': (number);
  'lastSqlError': (string);
  'sourceHost': (string);
  'sourcePort': (number);
  'ioState': (string);
}
