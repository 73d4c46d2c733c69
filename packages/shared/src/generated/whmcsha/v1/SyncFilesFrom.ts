// Original file: proto/whmcsha/v1/agent.proto


export interface SyncFilesFrom {
  'sourceNode'?: (string);
  /**
   * rsync source, e.g. rsync://10.x.x.x/whmcs/
   */
  'sourceUrl'?: (string);
  'expectedDigest'?: (string);
}

export interface SyncFilesFrom__Output {
  'sourceNode': (string);
  /**
   * rsync source, e.g. rsync://10.x.x.x/whmcs/
   */
  'sourceUrl': (string);
  'expectedDigest': (string);
}
