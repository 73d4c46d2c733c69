import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AgentProto } from './generated/agent.js';
import type { ProtoGrpcType as ControlProto } from './generated/control.js';
import type { ProtoGrpcType as PeerProto } from './generated/peer.js';
import type { ProtoGrpcType as RaftProto } from './generated/raft.js';
import type { AgentLinkHandlers } from './generated/whmcsha/v1/AgentLink.js';
import type { ControlHandlers } from './generated/whmcsha/v1/Control.js';
import type { PeerHandlers } from './generated/whmcsha/v1/Peer.js';
import type { RaftHandlers } from './generated/whmcsha/v1/Raft.js';
import { protoDir } from './proto-path.js';

export { grpc };

/** The protos the services are loaded from, relative to protoDir(). */
export const PROTO_FILES = ['whmcsha/v1/agent.proto', 'whmcsha/v1/raft.proto', 'whmcsha/v1/control.proto', 'whmcsha/v1/peer.proto'] as const;

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

/** The whmcsha.v1 package as loadPackage() builds it, typed by the generated code (pnpm proto:gen). */
type V1 = AgentProto['whmcsha']['v1'] & ControlProto['whmcsha']['v1'] & PeerProto['whmcsha']['v1'] & RaftProto['whmcsha']['v1'];

/** The services of whmcsha.v1: the entries of the package that carry a service definition. */
export type ServiceName = { [K in keyof V1]: V1[K] extends { service: grpc.ServiceDefinition } ? K : never }[keyof V1];

/** A typed client stub of one service (what `new (clientConstructor(name))(...)` returns). */
export type ServiceClient<S extends ServiceName> = InstanceType<V1[S]>;

export type { AgentLinkHandlers, ControlHandlers, PeerHandlers, RaftHandlers };

let cached: grpc.GrpcObject | undefined;

export function loadPackage(): grpc.GrpcObject {
  if (cached) return cached;
  const dir = protoDir();
  const def = protoLoader.loadSync([...PROTO_FILES], { ...LOADER_OPTIONS, includeDirs: [dir] });
  cached = grpc.loadPackageDefinition(def);
  return cached;
}

function v1(): V1 {
  // the one untyped step: grpc-js builds the package at run time from the same protos the types come from
  return (loadPackage().whmcsha as grpc.GrpcObject).v1 as unknown as V1;
}

export function serviceDefinition<S extends ServiceName>(name: S): V1[S]['service'] {
  return v1()[name].service;
}

export function clientConstructor<S extends ServiceName>(name: S): V1[S] {
  return v1()[name];
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
