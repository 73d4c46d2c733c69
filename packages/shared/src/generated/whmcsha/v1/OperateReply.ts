// Original file: proto/whmcsha/v1/control.proto


export interface OperateReply {
  'accepted'?: (boolean);
  'message'?: (string);
  'leaderId'?: (string);
  'leaderAddress'?: (string);
  'json'?: (string);
}

export interface OperateReply__Output {
  'accepted': (boolean);
  'message': (string);
  'leaderId': (string);
  'leaderAddress': (string);
  'json': (string);
}
