import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { PeerClient as _whmcsha_v1_PeerClient, PeerDefinition as _whmcsha_v1_PeerDefinition } from './whmcsha/v1/Peer.js';
import type { PeerMysqlUp as _whmcsha_v1_PeerMysqlUp, PeerMysqlUp__Output as _whmcsha_v1_PeerMysqlUp__Output } from './whmcsha/v1/PeerMysqlUp.js';
import type { PeerNodeView as _whmcsha_v1_PeerNodeView, PeerNodeView__Output as _whmcsha_v1_PeerNodeView__Output } from './whmcsha/v1/PeerNodeView.js';
import type { PeerProbe as _whmcsha_v1_PeerProbe, PeerProbe__Output as _whmcsha_v1_PeerProbe__Output } from './whmcsha/v1/PeerProbe.js';
import type { PeerView as _whmcsha_v1_PeerView, PeerView__Output as _whmcsha_v1_PeerView__Output } from './whmcsha/v1/PeerView.js';
import type { PeerViewRequest as _whmcsha_v1_PeerViewRequest, PeerViewRequest__Output as _whmcsha_v1_PeerViewRequest__Output } from './whmcsha/v1/PeerViewRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  whmcsha: {
    v1: {
      Peer: SubtypeConstructor<typeof grpc.Client, _whmcsha_v1_PeerClient> & { service: _whmcsha_v1_PeerDefinition }
      PeerMysqlUp: MessageTypeDefinition<_whmcsha_v1_PeerMysqlUp, _whmcsha_v1_PeerMysqlUp__Output>
      PeerNodeView: MessageTypeDefinition<_whmcsha_v1_PeerNodeView, _whmcsha_v1_PeerNodeView__Output>
      PeerProbe: MessageTypeDefinition<_whmcsha_v1_PeerProbe, _whmcsha_v1_PeerProbe__Output>
      PeerView: MessageTypeDefinition<_whmcsha_v1_PeerView, _whmcsha_v1_PeerView__Output>
      PeerViewRequest: MessageTypeDefinition<_whmcsha_v1_PeerViewRequest, _whmcsha_v1_PeerViewRequest__Output>
    }
  }
}

