// Original file: proto/whmcsha/v1/agent.proto


export interface HttpState {
  'up'?: (boolean);
  'status'?: (number);
  'latencyMs'?: (number | string);
  'error'?: (string);
}

export interface HttpState__Output {
  'up': (boolean);
  'status': (number);
  'latencyMs': (number);
  'error': (string);
}
