// Original file: proto/whmcsha/v1/control.proto


export interface StatusReply {
  /**
   * The status object of DESIGN.md section 11, as JSON: it is a public
   * contract already versioned by its own fields.
   */
  'json'?: (string);
  'fromLeader'?: (boolean);
}

export interface StatusReply__Output {
  /**
   * The status object of DESIGN.md section 11, as JSON: it is a public
   * contract already versioned by its own fields.
   */
  'json': (string);
  'fromLeader': (boolean);
}
