// Original file: proto/whmcsha/v1/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CheckReply as _whmcsha_v1_CheckReply, CheckReply__Output as _whmcsha_v1_CheckReply__Output } from '../../whmcsha/v1/CheckReply.js';
import type { CheckRequest as _whmcsha_v1_CheckRequest, CheckRequest__Output as _whmcsha_v1_CheckRequest__Output } from '../../whmcsha/v1/CheckRequest.js';
import type { HistoryReply as _whmcsha_v1_HistoryReply, HistoryReply__Output as _whmcsha_v1_HistoryReply__Output } from '../../whmcsha/v1/HistoryReply.js';
import type { HistoryRequest as _whmcsha_v1_HistoryRequest, HistoryRequest__Output as _whmcsha_v1_HistoryRequest__Output } from '../../whmcsha/v1/HistoryRequest.js';
import type { OperateReply as _whmcsha_v1_OperateReply, OperateReply__Output as _whmcsha_v1_OperateReply__Output } from '../../whmcsha/v1/OperateReply.js';
import type { OperateRequest as _whmcsha_v1_OperateRequest, OperateRequest__Output as _whmcsha_v1_OperateRequest__Output } from '../../whmcsha/v1/OperateRequest.js';
import type { StatusReply as _whmcsha_v1_StatusReply, StatusReply__Output as _whmcsha_v1_StatusReply__Output } from '../../whmcsha/v1/StatusReply.js';
import type { StatusRequest as _whmcsha_v1_StatusRequest, StatusRequest__Output as _whmcsha_v1_StatusRequest__Output } from '../../whmcsha/v1/StatusRequest.js';
import type { WatchEvent as _whmcsha_v1_WatchEvent, WatchEvent__Output as _whmcsha_v1_WatchEvent__Output } from '../../whmcsha/v1/WatchEvent.js';
import type { WatchRequest as _whmcsha_v1_WatchRequest, WatchRequest__Output as _whmcsha_v1_WatchRequest__Output } from '../../whmcsha/v1/WatchRequest.js';

export interface ControlClient extends grpc.Client {
  /**
   * whmcs-hactl check: the doctor of DESIGN.md section 9, over this coordinator's latest reports
   */
  Check(argument: _whmcsha_v1_CheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  Check(argument: _whmcsha_v1_CheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  Check(argument: _whmcsha_v1_CheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  Check(argument: _whmcsha_v1_CheckRequest, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  /**
   * whmcs-hactl check: the doctor of DESIGN.md section 9, over this coordinator's latest reports
   */
  check(argument: _whmcsha_v1_CheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  check(argument: _whmcsha_v1_CheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  check(argument: _whmcsha_v1_CheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  check(argument: _whmcsha_v1_CheckRequest, callback: grpc.requestCallback<_whmcsha_v1_CheckReply__Output>): grpc.ClientUnaryCall;
  
  History(argument: _whmcsha_v1_HistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _whmcsha_v1_HistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _whmcsha_v1_HistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  History(argument: _whmcsha_v1_HistoryRequest, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _whmcsha_v1_HistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _whmcsha_v1_HistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _whmcsha_v1_HistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  history(argument: _whmcsha_v1_HistoryRequest, callback: grpc.requestCallback<_whmcsha_v1_HistoryReply__Output>): grpc.ClientUnaryCall;
  
  Operate(argument: _whmcsha_v1_OperateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  Operate(argument: _whmcsha_v1_OperateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  Operate(argument: _whmcsha_v1_OperateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  Operate(argument: _whmcsha_v1_OperateRequest, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  operate(argument: _whmcsha_v1_OperateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  operate(argument: _whmcsha_v1_OperateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  operate(argument: _whmcsha_v1_OperateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  operate(argument: _whmcsha_v1_OperateRequest, callback: grpc.requestCallback<_whmcsha_v1_OperateReply__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _whmcsha_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _whmcsha_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _whmcsha_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _whmcsha_v1_StatusRequest, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _whmcsha_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _whmcsha_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _whmcsha_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _whmcsha_v1_StatusRequest, callback: grpc.requestCallback<_whmcsha_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  
  Watch(argument: _whmcsha_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_whmcsha_v1_WatchEvent__Output>;
  Watch(argument: _whmcsha_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_whmcsha_v1_WatchEvent__Output>;
  watch(argument: _whmcsha_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_whmcsha_v1_WatchEvent__Output>;
  watch(argument: _whmcsha_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_whmcsha_v1_WatchEvent__Output>;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  /**
   * whmcs-hactl check: the doctor of DESIGN.md section 9, over this coordinator's latest reports
   */
  Check: grpc.handleUnaryCall<_whmcsha_v1_CheckRequest__Output, _whmcsha_v1_CheckReply>;
  
  History: grpc.handleUnaryCall<_whmcsha_v1_HistoryRequest__Output, _whmcsha_v1_HistoryReply>;
  
  Operate: grpc.handleUnaryCall<_whmcsha_v1_OperateRequest__Output, _whmcsha_v1_OperateReply>;
  
  Status: grpc.handleUnaryCall<_whmcsha_v1_StatusRequest__Output, _whmcsha_v1_StatusReply>;
  
  Watch: grpc.handleServerStreamingCall<_whmcsha_v1_WatchRequest__Output, _whmcsha_v1_WatchEvent>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  Check: MethodDefinition<_whmcsha_v1_CheckRequest, _whmcsha_v1_CheckReply, _whmcsha_v1_CheckRequest__Output, _whmcsha_v1_CheckReply__Output>
  History: MethodDefinition<_whmcsha_v1_HistoryRequest, _whmcsha_v1_HistoryReply, _whmcsha_v1_HistoryRequest__Output, _whmcsha_v1_HistoryReply__Output>
  Operate: MethodDefinition<_whmcsha_v1_OperateRequest, _whmcsha_v1_OperateReply, _whmcsha_v1_OperateRequest__Output, _whmcsha_v1_OperateReply__Output>
  Status: MethodDefinition<_whmcsha_v1_StatusRequest, _whmcsha_v1_StatusReply, _whmcsha_v1_StatusRequest__Output, _whmcsha_v1_StatusReply__Output>
  Watch: MethodDefinition<_whmcsha_v1_WatchRequest, _whmcsha_v1_WatchEvent, _whmcsha_v1_WatchRequest__Output, _whmcsha_v1_WatchEvent__Output>
}
