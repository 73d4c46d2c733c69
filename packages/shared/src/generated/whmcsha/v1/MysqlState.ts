// Original file: proto/whmcsha/v1/agent.proto

import type { ReplicaState as _whmcsha_v1_ReplicaState, ReplicaState__Output as _whmcsha_v1_ReplicaState__Output } from '../../whmcsha/v1/ReplicaState.js';
import type { SemiSyncState as _whmcsha_v1_SemiSyncState, SemiSyncState__Output as _whmcsha_v1_SemiSyncState__Output } from '../../whmcsha/v1/SemiSyncState.js';

export interface MysqlState {
  'up'?: (boolean);
  'latencyMs'?: (number | string);
  'error'?: (string);
  'readOnly'?: (boolean);
  'superReadOnly'?: (boolean);
  'serverId'?: (number);
  /**
   * "mariadb" | "mysql"
   */
  'flavour'?: (string);
  'version'?: (string);
  'gtidExecuted'?: (string);
  'gtidRetrieved'?: (string);
  'replica'?: (_whmcsha_v1_ReplicaState | null);
  'semiSync'?: (_whmcsha_v1_SemiSyncState | null);
  'binlogFormat'?: (string);
  'logSlaveUpdates'?: (boolean);
  'autoIncrementIncrement'?: (number);
  'autoIncrementOffset'?: (number);
  'gtidMode'?: (boolean);
}

export interface MysqlState__Output {
  'up': (boolean);
  'latencyMs': (number);
  'error': (string);
  'readOnly': (boolean);
  'superReadOnly': (boolean);
  'serverId': (number);
  /**
   * "mariadb" | "mysql"
   */
  'flavour': (string);
  'version': (string);
  'gtidExecuted': (string);
  'gtidRetrieved': (string);
  'replica': (_whmcsha_v1_ReplicaState__Output | null);
  'semiSync': (_whmcsha_v1_SemiSyncState__Output | null);
  'binlogFormat': (string);
  'logSlaveUpdates': (boolean);
  'autoIncrementIncrement': (number);
  'autoIncrementOffset': (number);
  'gtidMode': (boolean);
}
