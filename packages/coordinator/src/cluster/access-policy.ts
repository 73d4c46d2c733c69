import { callerIdentity, grpc, type Logger, type PeerIdentity, type Role, type ServiceName } from '@whmcs-ha/shared';

/**
 * Who may call what (DESIGN §10). Coordinators trust each other fully, and
 * only they speak Raft and Peer (the evidence they lend each other); an
 * agent speaks only AgentLink (and only for the node its certificate names,
 * checked at Hello by AgentLinkServer); operators read and write the control
 * API, viewers only read it.
 */
export const ACCESS: Record<ServiceName, Record<string, readonly Role[]>> = {
  Raft: { Send: ['coordinator'] },
  Peer: { View: ['coordinator'] },
  AgentLink: { Connect: ['agent'] },
  Control: {
    Status: ['viewer', 'operator', 'coordinator'],
    History: ['viewer', 'operator', 'coordinator'],
    Watch: ['viewer', 'operator', 'coordinator'],
    Check: ['viewer', 'operator', 'coordinator'],
    Operate: ['operator', 'coordinator'],
  },
};

/** A refusal: the gRPC status and why. */
export interface Refusal {
  code: grpc.status;
  details: string;
}

/** The part of every grpc-js server call the guard uses. */
type AnyCall = grpc.ServerUnaryCall<unknown, unknown> & { request?: unknown };
type Handler = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => void;

export interface GuardOptions {
  service: ServiceName;
  logger?: Logger | undefined;
  /** extra per-call check after the role check (e.g. a Raft batch's `from` must be the certificate's name) */
  check?: (method: string, identity: PeerIdentity, call: { request?: unknown }) => string | null;
  /** counts refusals, by service and method */
  onRefuse?: (method: string, refusal: Refusal) => void;
}

/**
 * Decides one call: null lets it through. A caller whose TLS carries no
 * cluster identity is UNAUTHENTICATED; a known caller in the wrong role, or
 * failing `check`, is PERMISSION_DENIED. (A caller without any certificate, or
 * with one from another CA, never gets here: the handshake refuses it.)
 */
export function decideAccess(
  service: ServiceName,
  method: string,
  identity: PeerIdentity | null,
  call: { request?: unknown },
  check?: GuardOptions['check'],
): Refusal | null {
  if (!identity) return { code: grpc.status.UNAUTHENTICATED, details: 'a client certificate of the cluster CA with a whmcs-ha identity is required' };
  const roles = ACCESS[service][method] ?? [];
  if (!roles.includes(identity.role)) {
    return { code: grpc.status.PERMISSION_DENIED, details: `${service}.${method} is not allowed to ${identity.role === 'agent' || identity.role === 'operator' ? 'an' : 'a'} ${identity.role} certificate (${identity.name})` };
  }
  const problem = check?.(method, identity, call);
  return problem ? { code: grpc.status.PERMISSION_DENIED, details: problem } : null;
}

/**
 * Wraps a service implementation so every handler first checks its caller;
 * a refused call ends with its status before the handler runs, so nothing
 * happens. Used only when the server runs with TLS.
 */
export function guardService(impl: grpc.UntypedServiceImplementation, opts: GuardOptions): grpc.UntypedServiceImplementation {
  const guarded: grpc.UntypedServiceImplementation = {};
  for (const [method, fn] of Object.entries(impl)) {
    const handler = fn as unknown as Handler;
    guarded[method] = ((call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => {
      const identity = callerIdentity(call);
      const refusal = decideAccess(opts.service, method, identity, call, opts.check);
      if (!refusal) return handler(call, callback);
      opts.onRefuse?.(method, refusal);
      opts.logger?.warn({ service: opts.service, method, caller: identity ?? 'anonymous', peer: call.getPeer(), code: grpc.status[refusal.code] }, `refused: ${refusal.details}`);
      const err = Object.assign(new Error(refusal.details), { code: refusal.code, details: refusal.details });
      if (callback) callback(err);
      // streams: grpc-js turns an 'error' event on the call into the trailing status
      else call.emit('error', err);
    }) as unknown as grpc.UntypedHandleCall;
  }
  return guarded;
}

/** Raft: the batch's `from` must be the coordinator the certificate names (one coordinator cannot speak for another). */
export function raftSenderCheck(_method: string, identity: PeerIdentity, call: { request?: unknown }): string | null {
  const from = (call.request as { from?: unknown } | undefined)?.from;
  return from === identity.name ? null : `raft batch from "${String(from)}" on the connection of coordinator ${identity.name}`;
}
