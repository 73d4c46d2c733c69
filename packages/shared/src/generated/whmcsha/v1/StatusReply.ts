// Original file: proto/whmcsha/v1/control.proto


export interface StatusReply {
  'json'?: (string);
  'fromLeader'?: (boolean);
}

export interface StatusReply__Output {
  'json': (string);
  'fromLeader': (boolean);
}
