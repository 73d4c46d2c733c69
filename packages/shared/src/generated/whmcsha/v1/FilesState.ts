// Original file: proto/whmcsha/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface FilesState {
  'rootDigest'?: (string);
  'fileCount'?: (number | string | Long);
  'totalBytes'?: (number | string | Long);
  'scannedAtMs'?: (number | string | Long);
  'error'?: (string);
  'ready'?: (boolean);
}

export interface FilesState__Output {
  'rootDigest': (string);
  'fileCount': (number);
  'totalBytes': (number);
  'scannedAtMs': (number);
  'error': (string);
  'ready': (boolean);
}
