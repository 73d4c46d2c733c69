// Original file: proto/whmcsha/v1/control.proto


export interface HistoryRequest {
  'limit'?: (number);
}

export interface HistoryRequest__Output {
  'limit': (number);
}
