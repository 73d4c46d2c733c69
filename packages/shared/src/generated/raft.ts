import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { RaftClient as _whmcsha_v1_RaftClient, RaftDefinition as _whmcsha_v1_RaftDefinition } from './whmcsha/v1/Raft.js';
import type { RaftAck as _whmcsha_v1_RaftAck, RaftAck__Output as _whmcsha_v1_RaftAck__Output } from './whmcsha/v1/RaftAck.js';
import type { RaftBatch as _whmcsha_v1_RaftBatch, RaftBatch__Output as _whmcsha_v1_RaftBatch__Output } from './whmcsha/v1/RaftBatch.js';
import type { RaftEntry as _whmcsha_v1_RaftEntry, RaftEntry__Output as _whmcsha_v1_RaftEntry__Output } from './whmcsha/v1/RaftEntry.js';
import type { RaftMessage as _whmcsha_v1_RaftMessage, RaftMessage__Output as _whmcsha_v1_RaftMessage__Output } from './whmcsha/v1/RaftMessage.js';
import type { RaftSnapshot as _whmcsha_v1_RaftSnapshot, RaftSnapshot__Output as _whmcsha_v1_RaftSnapshot__Output } from './whmcsha/v1/RaftSnapshot.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  whmcsha: {
    v1: {
      Raft: SubtypeConstructor<typeof grpc.Client, _whmcsha_v1_RaftClient> & { service: _whmcsha_v1_RaftDefinition }
      RaftAck: MessageTypeDefinition<_whmcsha_v1_RaftAck, _whmcsha_v1_RaftAck__Output>
      RaftBatch: MessageTypeDefinition<_whmcsha_v1_RaftBatch, _whmcsha_v1_RaftBatch__Output>
      RaftEntry: MessageTypeDefinition<_whmcsha_v1_RaftEntry, _whmcsha_v1_RaftEntry__Output>
      RaftMessage: MessageTypeDefinition<_whmcsha_v1_RaftMessage, _whmcsha_v1_RaftMessage__Output>
      RaftSnapshot: MessageTypeDefinition<_whmcsha_v1_RaftSnapshot, _whmcsha_v1_RaftSnapshot__Output>
    }
  }
}

