// Original file: proto/whmcsha/v1/control.proto


export interface CheckReply {
  'json'?: (string);
}

export interface CheckReply__Output {
  'json': (string);
}
