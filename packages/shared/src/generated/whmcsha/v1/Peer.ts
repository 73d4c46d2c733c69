// Original file: proto/whmcsha/v1/peer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PeerView as _whmcsha_v1_PeerView, PeerView__Output as _whmcsha_v1_PeerView__Output } from '../../whmcsha/v1/PeerView.js';
import type { PeerViewRequest as _whmcsha_v1_PeerViewRequest, PeerViewRequest__Output as _whmcsha_v1_PeerViewRequest__Output } from '../../whmcsha/v1/PeerViewRequest.js';

export interface PeerClient extends grpc.Client {
  View(argument: _whmcsha_v1_PeerViewRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  View(argument: _whmcsha_v1_PeerViewRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  View(argument: _whmcsha_v1_PeerViewRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  View(argument: _whmcsha_v1_PeerViewRequest, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  view(argument: _whmcsha_v1_PeerViewRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  view(argument: _whmcsha_v1_PeerViewRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  view(argument: _whmcsha_v1_PeerViewRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  view(argument: _whmcsha_v1_PeerViewRequest, callback: grpc.requestCallback<_whmcsha_v1_PeerView__Output>): grpc.ClientUnaryCall;
  
}

export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  View: grpc.handleUnaryCall<_whmcsha_v1_PeerViewRequest__Output, _whmcsha_v1_PeerView>;
  
}

export interface PeerDefinition extends grpc.ServiceDefinition {
  View: MethodDefinition<_whmcsha_v1_PeerViewRequest, _whmcsha_v1_PeerView, _whmcsha_v1_PeerViewRequest__Output, _whmcsha_v1_PeerView__Output>
}
