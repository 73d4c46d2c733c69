// Original file: proto/whmcsha/v1/agent.proto


export interface WhmcsState {
  'configDigest'?: (string);
  'configError'?: (string);
  'sessionHandling'?: (string);
  'templatesDir'?: (string);
  'templatesExcluded'?: (boolean);
}

export interface WhmcsState__Output {
  'configDigest': (string);
  'configError': (string);
  'sessionHandling': (string);
  'templatesDir': (string);
  'templatesExcluded': (boolean);
}
