// Original file: proto/whmcsha/v1/raft.proto

import type { RaftMessage as _whmcsha_v1_RaftMessage, RaftMessage__Output as _whmcsha_v1_RaftMessage__Output } from '../../whmcsha/v1/RaftMessage.js';

export interface RaftBatch {
  'from'?: (string);
  'messages'?: (_whmcsha_v1_RaftMessage)[];
}

export interface RaftBatch__Output {
  'from': (string);
  'messages': (_whmcsha_v1_RaftMessage__Output)[];
}
