// Original file: proto/whmcsha/v1/control.proto


export interface WatchRequest {
}

export interface WatchRequest__Output {
}
