// Original file: proto/whmcsha/v1/peer.proto


export interface PeerProbe {
  'up'?: (boolean);
  'error'?: (string);
}

export interface PeerProbe__Output {
  'up': (boolean);
  'error': (string);
}
