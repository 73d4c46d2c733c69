// Original file: proto/whmcsha/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftAck as _whmcsha_v1_RaftAck, RaftAck__Output as _whmcsha_v1_RaftAck__Output } from '../../whmcsha/v1/RaftAck.js';
import type { RaftBatch as _whmcsha_v1_RaftBatch, RaftBatch__Output as _whmcsha_v1_RaftBatch__Output } from '../../whmcsha/v1/RaftBatch.js';

export interface RaftClient extends grpc.Client {
  Send(argument: _whmcsha_v1_RaftBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Send(argument: _whmcsha_v1_RaftBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Send(argument: _whmcsha_v1_RaftBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  Send(argument: _whmcsha_v1_RaftBatch, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  send(argument: _whmcsha_v1_RaftBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  send(argument: _whmcsha_v1_RaftBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  send(argument: _whmcsha_v1_RaftBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  send(argument: _whmcsha_v1_RaftBatch, callback: grpc.requestCallback<_whmcsha_v1_RaftAck__Output>): grpc.ClientUnaryCall;
  
}

export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  Send: grpc.handleUnaryCall<_whmcsha_v1_RaftBatch__Output, _whmcsha_v1_RaftAck>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  Send: MethodDefinition<_whmcsha_v1_RaftBatch, _whmcsha_v1_RaftAck, _whmcsha_v1_RaftBatch__Output, _whmcsha_v1_RaftAck__Output>
}
