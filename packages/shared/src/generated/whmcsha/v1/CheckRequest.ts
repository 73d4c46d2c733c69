// Original file: proto/whmcsha/v1/control.proto


export interface CheckRequest {
}

export interface CheckRequest__Output {
}
