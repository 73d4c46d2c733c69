import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CheckReply as _whmcsha_v1_CheckReply, CheckReply__Output as _whmcsha_v1_CheckReply__Output } from './whmcsha/v1/CheckReply.js';
import type { CheckRequest as _whmcsha_v1_CheckRequest, CheckRequest__Output as _whmcsha_v1_CheckRequest__Output } from './whmcsha/v1/CheckRequest.js';
import type { ControlClient as _whmcsha_v1_ControlClient, ControlDefinition as _whmcsha_v1_ControlDefinition } from './whmcsha/v1/Control.js';
import type { HistoryReply as _whmcsha_v1_HistoryReply, HistoryReply__Output as _whmcsha_v1_HistoryReply__Output } from './whmcsha/v1/HistoryReply.js';
import type { HistoryRequest as _whmcsha_v1_HistoryRequest, HistoryRequest__Output as _whmcsha_v1_HistoryRequest__Output } from './whmcsha/v1/HistoryRequest.js';
import type { OperateReply as _whmcsha_v1_OperateReply, OperateReply__Output as _whmcsha_v1_OperateReply__Output } from './whmcsha/v1/OperateReply.js';
import type { OperateRequest as _whmcsha_v1_OperateRequest, OperateRequest__Output as _whmcsha_v1_OperateRequest__Output } from './whmcsha/v1/OperateRequest.js';
import type { StatusReply as _whmcsha_v1_StatusReply, StatusReply__Output as _whmcsha_v1_StatusReply__Output } from './whmcsha/v1/StatusReply.js';
import type { StatusRequest as _whmcsha_v1_StatusRequest, StatusRequest__Output as _whmcsha_v1_StatusRequest__Output } from './whmcsha/v1/StatusRequest.js';
import type { WatchEvent as _whmcsha_v1_WatchEvent, WatchEvent__Output as _whmcsha_v1_WatchEvent__Output } from './whmcsha/v1/WatchEvent.js';
import type { WatchRequest as _whmcsha_v1_WatchRequest, WatchRequest__Output as _whmcsha_v1_WatchRequest__Output } from './whmcsha/v1/WatchRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  whmcsha: {
    v1: {
      CheckReply: MessageTypeDefinition<_whmcsha_v1_CheckReply, _whmcsha_v1_CheckReply__Output>
      CheckRequest: MessageTypeDefinition<_whmcsha_v1_CheckRequest, _whmcsha_v1_CheckRequest__Output>
      Control: SubtypeConstructor<typeof grpc.Client, _whmcsha_v1_ControlClient> & { service: _whmcsha_v1_ControlDefinition }
      HistoryReply: MessageTypeDefinition<_whmcsha_v1_HistoryReply, _whmcsha_v1_HistoryReply__Output>
      HistoryRequest: MessageTypeDefinition<_whmcsha_v1_HistoryRequest, _whmcsha_v1_HistoryRequest__Output>
      OperateReply: MessageTypeDefinition<_whmcsha_v1_OperateReply, _whmcsha_v1_OperateReply__Output>
      OperateRequest: MessageTypeDefinition<_whmcsha_v1_OperateRequest, _whmcsha_v1_OperateRequest__Output>
      StatusReply: MessageTypeDefinition<_whmcsha_v1_StatusReply, _whmcsha_v1_StatusReply__Output>
      StatusRequest: MessageTypeDefinition<_whmcsha_v1_StatusRequest, _whmcsha_v1_StatusRequest__Output>
      WatchEvent: MessageTypeDefinition<_whmcsha_v1_WatchEvent, _whmcsha_v1_WatchEvent__Output>
      WatchRequest: MessageTypeDefinition<_whmcsha_v1_WatchRequest, _whmcsha_v1_WatchRequest__Output>
    }
  }
}

