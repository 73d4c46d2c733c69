// Original file: proto/whmcsha/v1/peer.proto


export interface PeerViewRequest {
}

export interface PeerViewRequest__Output {
}
