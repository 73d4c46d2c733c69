// Original file: proto/whmcsha/v1/control.proto


export interface OperateRequest {
  /**
   * switchover | failover | maintenance | pause | resume | ack | sync
   */
  'action'?: (string);
  'node'?: (string);
  'force'?: (boolean);
  'on'?: (boolean);
  'reason'?: (string);
}

export interface OperateRequest__Output {
  /**
   * switchover | failover | maintenance | pause | resume | ack | sync
   */
  'action': (string);
  'node': (string);
  'force': (boolean);
  'on': (boolean);
  'reason': (string);
}
