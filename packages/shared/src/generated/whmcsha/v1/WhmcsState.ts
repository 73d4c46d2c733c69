// Original file: proto/whmcsha/v1/agent.proto


export interface WhmcsState {
  /**
   * sha256 of configuration.php; empty when unreadable
   */
  'configDigest'?: (string);
  'configError'?: (string);
  /**
   * $session_handling; empty when unset
   */
  'sessionHandling'?: (string);
  /**
   * $templates_compiledir resolved to an absolute path
   */
  'templatesDir'?: (string);
  /**
   * outside the install path or excluded from the file sync
   */
  'templatesExcluded'?: (boolean);
}

export interface WhmcsState__Output {
  /**
   * sha256 of configuration.php; empty when unreadable
   */
  'configDigest': (string);
  'configError': (string);
  /**
   * $session_handling; empty when unset
   */
  'sessionHandling': (string);
  /**
   * $templates_compiledir resolved to an absolute path
   */
  'templatesDir': (string);
  /**
   * outside the install path or excluded from the file sync
   */
  'templatesExcluded': (boolean);
}
