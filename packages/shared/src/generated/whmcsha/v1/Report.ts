// Original file: proto/whmcsha/v1/agent.proto

import type { MysqlState as _whmcsha_v1_MysqlState, MysqlState__Output as _whmcsha_v1_MysqlState__Output } from '../../whmcsha/v1/MysqlState.js';
import type { PhpFpmState as _whmcsha_v1_PhpFpmState, PhpFpmState__Output as _whmcsha_v1_PhpFpmState__Output } from '../../whmcsha/v1/PhpFpmState.js';
import type { HttpState as _whmcsha_v1_HttpState, HttpState__Output as _whmcsha_v1_HttpState__Output } from '../../whmcsha/v1/HttpState.js';
import type { FilesState as _whmcsha_v1_FilesState, FilesState__Output as _whmcsha_v1_FilesState__Output } from '../../whmcsha/v1/FilesState.js';
import type { WhmcsState as _whmcsha_v1_WhmcsState, WhmcsState__Output as _whmcsha_v1_WhmcsState__Output } from '../../whmcsha/v1/WhmcsState.js';
import type { Long } from '@grpc/proto-loader';

export interface Report {
  'node'?: (string);
  'seq'?: (number | string | Long);
  'sentAtMs'?: (number | string | Long);
  'highestEpoch'?: (number | string | Long);
  'mysql'?: (_whmcsha_v1_MysqlState | null);
  'phpFpm'?: (_whmcsha_v1_PhpFpmState | null);
  'http'?: (_whmcsha_v1_HttpState | null);
  'files'?: (_whmcsha_v1_FilesState | null);
  'installPath'?: (string);
  /**
   * cron gate view: the lease the agent currently holds, if any
   */
  'leaseEpoch'?: (number | string | Long);
  'leaseExpiresAtMs'?: (number | string | Long);
  /**
   * facts for `whmcs-hactl check` (DESIGN section 9), read from the install path
   */
  'whmcs'?: (_whmcsha_v1_WhmcsState | null);
}

export interface Report__Output {
  'node': (string);
  'seq': (number);
  'sentAtMs': (number);
  'highestEpoch': (number);
  'mysql': (_whmcsha_v1_MysqlState__Output | null);
  'phpFpm': (_whmcsha_v1_PhpFpmState__Output | null);
  'http': (_whmcsha_v1_HttpState__Output | null);
  'files': (_whmcsha_v1_FilesState__Output | null);
  'installPath': (string);
  /**
   * cron gate view: the lease the agent currently holds, if any
   */
  'leaseEpoch': (number);
  'leaseExpiresAtMs': (number);
  /**
   * facts for `whmcs-hactl check` (DESIGN section 9), read from the install path
   */
  'whmcs': (_whmcsha_v1_WhmcsState__Output | null);
}
