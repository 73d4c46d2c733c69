// Original file: proto/whmcsha/v1/control.proto


export interface CheckReply {
  /**
   * {ok, counts, checks: [{id, title, status: pass|warn|fail, detail, fix}]} as JSON
   */
  'json'?: (string);
}

export interface CheckReply__Output {
  /**
   * {ok, counts, checks: [{id, title, status: pass|warn|fail, detail, fix}]} as JSON
   */
  'json': (string);
}
