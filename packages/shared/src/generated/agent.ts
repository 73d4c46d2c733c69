import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentLinkClient as _whmcsha_v1_AgentLinkClient, AgentLinkDefinition as _whmcsha_v1_AgentLinkDefinition } from './whmcsha/v1/AgentLink.js';
import type { AgentMessage as _whmcsha_v1_AgentMessage, AgentMessage__Output as _whmcsha_v1_AgentMessage__Output } from './whmcsha/v1/AgentMessage.js';
import type { Command as _whmcsha_v1_Command, Command__Output as _whmcsha_v1_Command__Output } from './whmcsha/v1/Command.js';
import type { CommandResult as _whmcsha_v1_CommandResult, CommandResult__Output as _whmcsha_v1_CommandResult__Output } from './whmcsha/v1/CommandResult.js';
import type { CoordinatorMessage as _whmcsha_v1_CoordinatorMessage, CoordinatorMessage__Output as _whmcsha_v1_CoordinatorMessage__Output } from './whmcsha/v1/CoordinatorMessage.js';
import type { Empty as _whmcsha_v1_Empty, Empty__Output as _whmcsha_v1_Empty__Output } from './whmcsha/v1/Empty.js';
import type { FilesState as _whmcsha_v1_FilesState, FilesState__Output as _whmcsha_v1_FilesState__Output } from './whmcsha/v1/FilesState.js';
import type { Hello as _whmcsha_v1_Hello, Hello__Output as _whmcsha_v1_Hello__Output } from './whmcsha/v1/Hello.js';
import type { HttpState as _whmcsha_v1_HttpState, HttpState__Output as _whmcsha_v1_HttpState__Output } from './whmcsha/v1/HttpState.js';
import type { Lease as _whmcsha_v1_Lease, Lease__Output as _whmcsha_v1_Lease__Output } from './whmcsha/v1/Lease.js';
import type { MysqlState as _whmcsha_v1_MysqlState, MysqlState__Output as _whmcsha_v1_MysqlState__Output } from './whmcsha/v1/MysqlState.js';
import type { PhpFpmState as _whmcsha_v1_PhpFpmState, PhpFpmState__Output as _whmcsha_v1_PhpFpmState__Output } from './whmcsha/v1/PhpFpmState.js';
import type { ReplicaState as _whmcsha_v1_ReplicaState, ReplicaState__Output as _whmcsha_v1_ReplicaState__Output } from './whmcsha/v1/ReplicaState.js';
import type { Report as _whmcsha_v1_Report, Report__Output as _whmcsha_v1_Report__Output } from './whmcsha/v1/Report.js';
import type { SemiSyncState as _whmcsha_v1_SemiSyncState, SemiSyncState__Output as _whmcsha_v1_SemiSyncState__Output } from './whmcsha/v1/SemiSyncState.js';
import type { StopReplica as _whmcsha_v1_StopReplica, StopReplica__Output as _whmcsha_v1_StopReplica__Output } from './whmcsha/v1/StopReplica.js';
import type { SyncFilesFrom as _whmcsha_v1_SyncFilesFrom, SyncFilesFrom__Output as _whmcsha_v1_SyncFilesFrom__Output } from './whmcsha/v1/SyncFilesFrom.js';
import type { WaitForGtid as _whmcsha_v1_WaitForGtid, WaitForGtid__Output as _whmcsha_v1_WaitForGtid__Output } from './whmcsha/v1/WaitForGtid.js';
import type { Welcome as _whmcsha_v1_Welcome, Welcome__Output as _whmcsha_v1_Welcome__Output } from './whmcsha/v1/Welcome.js';
import type { WhmcsState as _whmcsha_v1_WhmcsState, WhmcsState__Output as _whmcsha_v1_WhmcsState__Output } from './whmcsha/v1/WhmcsState.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  whmcsha: {
    v1: {
      AgentLink: SubtypeConstructor<typeof grpc.Client, _whmcsha_v1_AgentLinkClient> & { service: _whmcsha_v1_AgentLinkDefinition }
      AgentMessage: MessageTypeDefinition<_whmcsha_v1_AgentMessage, _whmcsha_v1_AgentMessage__Output>
      Command: MessageTypeDefinition<_whmcsha_v1_Command, _whmcsha_v1_Command__Output>
      CommandResult: MessageTypeDefinition<_whmcsha_v1_CommandResult, _whmcsha_v1_CommandResult__Output>
      CoordinatorMessage: MessageTypeDefinition<_whmcsha_v1_CoordinatorMessage, _whmcsha_v1_CoordinatorMessage__Output>
      Empty: MessageTypeDefinition<_whmcsha_v1_Empty, _whmcsha_v1_Empty__Output>
      FilesState: MessageTypeDefinition<_whmcsha_v1_FilesState, _whmcsha_v1_FilesState__Output>
      Hello: MessageTypeDefinition<_whmcsha_v1_Hello, _whmcsha_v1_Hello__Output>
      HttpState: MessageTypeDefinition<_whmcsha_v1_HttpState, _whmcsha_v1_HttpState__Output>
      Lease: MessageTypeDefinition<_whmcsha_v1_Lease, _whmcsha_v1_Lease__Output>
      MysqlState: MessageTypeDefinition<_whmcsha_v1_MysqlState, _whmcsha_v1_MysqlState__Output>
      PhpFpmState: MessageTypeDefinition<_whmcsha_v1_PhpFpmState, _whmcsha_v1_PhpFpmState__Output>
      ReplicaState: MessageTypeDefinition<_whmcsha_v1_ReplicaState, _whmcsha_v1_ReplicaState__Output>
      Report: MessageTypeDefinition<_whmcsha_v1_Report, _whmcsha_v1_Report__Output>
      SemiSyncState: MessageTypeDefinition<_whmcsha_v1_SemiSyncState, _whmcsha_v1_SemiSyncState__Output>
      StopReplica: MessageTypeDefinition<_whmcsha_v1_StopReplica, _whmcsha_v1_StopReplica__Output>
      SyncFilesFrom: MessageTypeDefinition<_whmcsha_v1_SyncFilesFrom, _whmcsha_v1_SyncFilesFrom__Output>
      WaitForGtid: MessageTypeDefinition<_whmcsha_v1_WaitForGtid, _whmcsha_v1_WaitForGtid__Output>
      Welcome: MessageTypeDefinition<_whmcsha_v1_Welcome, _whmcsha_v1_Welcome__Output>
      WhmcsState: MessageTypeDefinition<_whmcsha_v1_WhmcsState, _whmcsha_v1_WhmcsState__Output>
    }
  }
}

