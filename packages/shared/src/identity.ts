import type { PeerCertificate } from 'node:tls';

/** The four kinds of certificate the cluster CA issues (DESIGN §10). */
export const ROLES = ['coordinator', 'agent', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who a certificate says its holder is: the role and the node, coordinator or person name. */
export interface PeerIdentity {
  role: Role;
  name: string;
}

/** The SAN URI every certificate of the cluster CA carries: `whmcs-ha://<role>/<name>`. */
export const IDENTITY_URI_SCHEME = 'whmcs-ha';

export function identityUri(id: PeerIdentity): string {
  return `${IDENTITY_URI_SCHEME}://${id.role}/${id.name}`;
}

const URI_RE = /^URI:whmcs-ha:\/\/([a-z]+)\/([a-z0-9][a-z0-9-]{0,62})$/;

/**
 * Reads the identity out of a peer certificate's subjectAltName. Exactly one
 * whmcs-ha URI with a known role is an identity; none, two, or an unknown role
 * is null (the caller refuses it).
 */
export function identityFromCertificate(cert: Pick<PeerCertificate, 'subjectaltname'> | null | undefined): PeerIdentity | null {
  const san = cert?.subjectaltname;
  if (!san) return null;
  const found: PeerIdentity[] = [];
  for (const part of san.split(/,\s*/)) {
    if (!part.startsWith('URI:whmcs-ha:')) continue;
    const m = URI_RE.exec(part);
    if (!m || !(ROLES as readonly string[]).includes(m[1]!)) return null;
    found.push({ role: m[1] as Role, name: m[2]! });
  }
  return found.length === 1 ? found[0]! : null;
}

/**
 * The identity the caller of a gRPC server call proved with its certificate,
 * or null. grpc-js reports a certificate only for a TLS socket whose chain the
 * handshake verified against the cluster CA; a server that runs with TLS must
 * treat null as unauthenticated (never as "no TLS, so allowed").
 */
export function callerIdentity(call: { getAuthContext(): { transportSecurityType?: string | undefined; sslPeerCertificate?: PeerCertificate | undefined } }): PeerIdentity | null {
  try {
    const ctx = call.getAuthContext();
    if (ctx?.transportSecurityType !== 'ssl') return null;
    return identityFromCertificate(ctx.sslPeerCertificate);
  } catch {
    return null;
  }
}
