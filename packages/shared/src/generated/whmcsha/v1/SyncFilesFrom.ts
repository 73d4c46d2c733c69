// Original file: proto/whmcsha/v1/agent.proto


export interface SyncFilesFrom {
  'sourceNode'?: (string);
  'sourceUrl'?: (string);
  'expectedDigest'?: (string);
}

export interface SyncFilesFrom__Output {
  'sourceNode': (string);
  'sourceUrl': (string);
  'expectedDigest': (string);
}
