// Original file: proto/whmcsha/v1/agent.proto


export interface Empty {
}

export interface Empty__Output {
}
