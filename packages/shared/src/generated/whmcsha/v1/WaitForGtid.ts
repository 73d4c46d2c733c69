// Original file: proto/whmcsha/v1/agent.proto


export interface WaitForGtid {
  'gtidSet'?: (string);
  'timeoutMs'?: (number);
}

export interface WaitForGtid__Output {
  'gtidSet': (string);
  'timeoutMs': (number);
}
