// Original file: proto/whmcsha/v1/control.proto


export interface HistoryReply {
  'json'?: (string);
  'fromLeader'?: (boolean);
}

export interface HistoryReply__Output {
  'json': (string);
  'fromLeader': (boolean);
}
