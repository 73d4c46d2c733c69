// Original file: proto/whmcsha/v1/raft.proto


export interface RaftAck {
}

export interface RaftAck__Output {
}
