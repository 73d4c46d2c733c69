// Original file: proto/whmcsha/v1/control.proto


export interface HistoryReply {
  'json'?: (string);
  /**
   * a follower's log may trail the leader's by a few entries
   */
  'fromLeader'?: (boolean);
}

export interface HistoryReply__Output {
  'json': (string);
  /**
   * a follower's log may trail the leader's by a few entries
   */
  'fromLeader': (boolean);
}
