// Original file: proto/whmcsha/v1/control.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchEvent {
  'atMs'?: (number | string | Long);
  'kind'?: (string);
  'text'?: (string);
  'json'?: (string);
}

export interface WatchEvent__Output {
  'atMs': (number);
  'kind': (string);
  'text': (string);
  'json': (string);
}
