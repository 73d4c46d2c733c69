// Original file: proto/whmcsha/v1/control.proto


export interface OperateRequest {
  'action'?: (string);
  'node'?: (string);
  'force'?: (boolean);
  'on'?: (boolean);
  'reason'?: (string);
}

export interface OperateRequest__Output {
  'action': (string);
  'node': (string);
  'force': (boolean);
  'on': (boolean);
  'reason': (string);
}
