// Original file: proto/whmcsha/v1/agent.proto

import type { Empty as _whmcsha_v1_Empty, Empty__Output as _whmcsha_v1_Empty__Output } from '../../whmcsha/v1/Empty.js';
import type { StopReplica as _whmcsha_v1_StopReplica, StopReplica__Output as _whmcsha_v1_StopReplica__Output } from '../../whmcsha/v1/StopReplica.js';
import type { WaitForGtid as _whmcsha_v1_WaitForGtid, WaitForGtid__Output as _whmcsha_v1_WaitForGtid__Output } from '../../whmcsha/v1/WaitForGtid.js';
import type { SyncFilesFrom as _whmcsha_v1_SyncFilesFrom, SyncFilesFrom__Output as _whmcsha_v1_SyncFilesFrom__Output } from '../../whmcsha/v1/SyncFilesFrom.js';
import type { Long } from '@grpc/proto-loader';

export interface Command {
  'id'?: (string);
  'term'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  'node'?: (string);
  'setReadOnly'?: (_whmcsha_v1_Empty | null);
  'setWritable'?: (_whmcsha_v1_Empty | null);
  'stopReplica'?: (_whmcsha_v1_StopReplica | null);
  'startReplica'?: (_whmcsha_v1_Empty | null);
  'waitForGtid'?: (_whmcsha_v1_WaitForGtid | null);
  'syncFilesFrom'?: (_whmcsha_v1_SyncFilesFrom | null);
  'kind'?: "setReadOnly"|"setWritable"|"stopReplica"|"startReplica"|"waitForGtid"|"syncFilesFrom";
}

export interface Command__Output {
  'id': (string);
  'term': (number);
  'epoch': (number);
  'node': (string);
  'setReadOnly'?: (_whmcsha_v1_Empty__Output | null);
  'setWritable'?: (_whmcsha_v1_Empty__Output | null);
  'stopReplica'?: (_whmcsha_v1_StopReplica__Output | null);
  'startReplica'?: (_whmcsha_v1_Empty__Output | null);
  'waitForGtid'?: (_whmcsha_v1_WaitForGtid__Output | null);
  'syncFilesFrom'?: (_whmcsha_v1_SyncFilesFrom__Output | null);
  'kind'?: "setReadOnly"|"setWritable"|"stopReplica"|"startReplica"|"waitForGtid"|"syncFilesFrom";
}
