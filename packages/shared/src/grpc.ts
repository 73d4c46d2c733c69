import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoDir } from './proto-path.js';

export { grpc };

/** The protos the services are loaded from, relative to protoDir(). */
export const PROTO_FILES = ['whmcsha/v1/agent.proto', 'whmcsha/v1/raft.proto', 'whmcsha/v1/control.proto'] as const;

/**
 * How messages are decoded. Long fields become JS numbers: terms, indexes and
 * epochs stay far below 2^53. The generated types (generated/, pnpm proto:gen)
 * describe exactly these shapes: scripts/proto-gen.mjs passes the same options.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [],
};

let cached: grpc.GrpcObject | undefined;

export function loadPackage(): grpc.GrpcObject {
  if (cached) return cached;
  const dir = protoDir();
  const def = protoLoader.loadSync([...PROTO_FILES], { ...LOADER_OPTIONS, includeDirs: [dir] });
  cached = grpc.loadPackageDefinition(def);
  return cached;
}

function v1(): grpc.GrpcObject {
  const pkg = loadPackage();
  return (pkg.whmcsha as grpc.GrpcObject).v1 as grpc.GrpcObject;
}

export type ServiceName = 'AgentLink' | 'Raft' | 'Control';

export function serviceDefinition(name: ServiceName): grpc.ServiceDefinition {
  const ctor = v1()[name] as grpc.ServiceClientConstructor;
  return ctor.service;
}

export function clientConstructor(name: ServiceName): grpc.ServiceClientConstructor {
  return v1()[name] as grpc.ServiceClientConstructor;
}

/** Message size cap on every channel and server: reports and Raft batches are small. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

export const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
};
