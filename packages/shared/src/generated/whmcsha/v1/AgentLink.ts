// Original file: proto/whmcsha/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _whmcsha_v1_AgentMessage, AgentMessage__Output as _whmcsha_v1_AgentMessage__Output } from '../../whmcsha/v1/AgentMessage.js';
import type { CoordinatorMessage as _whmcsha_v1_CoordinatorMessage, CoordinatorMessage__Output as _whmcsha_v1_CoordinatorMessage__Output } from '../../whmcsha/v1/CoordinatorMessage.js';

export interface AgentLinkClient extends grpc.Client {
  Connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_whmcsha_v1_AgentMessage, _whmcsha_v1_CoordinatorMessage__Output>;
  Connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_whmcsha_v1_AgentMessage, _whmcsha_v1_CoordinatorMessage__Output>;
  connect(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_whmcsha_v1_AgentMessage, _whmcsha_v1_CoordinatorMessage__Output>;
  connect(options?: grpc.CallOptions): grpc.ClientDuplexStream<_whmcsha_v1_AgentMessage, _whmcsha_v1_CoordinatorMessage__Output>;
  
}

export interface AgentLinkHandlers extends grpc.UntypedServiceImplementation {
  Connect: grpc.handleBidiStreamingCall<_whmcsha_v1_AgentMessage__Output, _whmcsha_v1_CoordinatorMessage>;
  
}

export interface AgentLinkDefinition extends grpc.ServiceDefinition {
  Connect: MethodDefinition<_whmcsha_v1_AgentMessage, _whmcsha_v1_CoordinatorMessage, _whmcsha_v1_AgentMessage__Output, _whmcsha_v1_CoordinatorMessage__Output>
}
