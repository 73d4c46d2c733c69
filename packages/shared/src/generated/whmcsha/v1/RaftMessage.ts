// Original file: proto/whmcsha/v1/raft.proto

import type { RaftEntry as _whmcsha_v1_RaftEntry, RaftEntry__Output as _whmcsha_v1_RaftEntry__Output } from '../../whmcsha/v1/RaftEntry.js';
import type { RaftSnapshot as _whmcsha_v1_RaftSnapshot, RaftSnapshot__Output as _whmcsha_v1_RaftSnapshot__Output } from '../../whmcsha/v1/RaftSnapshot.js';
import type { Long } from '@grpc/proto-loader';

export interface RaftMessage {
  'type'?: (string);
  'from'?: (string);
  'to'?: (string);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_whmcsha_v1_RaftEntry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'snapshot'?: (_whmcsha_v1_RaftSnapshot | null);
  'context'?: (string);
}

export interface RaftMessage__Output {
  'type': (string);
  'from': (string);
  'to': (string);
  'term': (number);
  'logTerm': (number);
  'index': (number);
  'entries': (_whmcsha_v1_RaftEntry__Output)[];
  'commit': (number);
  'reject': (boolean);
  'rejectHint': (number);
  'snapshot': (_whmcsha_v1_RaftSnapshot__Output | null);
  'context': (string);
}
