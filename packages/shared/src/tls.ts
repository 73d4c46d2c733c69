import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { InputError } from './errors.js';
import { identityFromCertificate, type PeerIdentity, type Role } from './identity.js';

/** The `tls` section of every config: PEM files from the cluster CA (whmcs-hactl pki). */
export interface TlsConfig {
  ca: string;
  cert: string;
  key: string;
}

/** The files read and checked, plus the identity the certificate carries. */
export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  identity: PeerIdentity;
}

function readPem(path: string, field: string, source: string | undefined): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputError(field, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, source);
  }
}

/**
 * Reads and checks the tls section before anything listens or dials: the key
 * file must be 0600 (or stricter), the certificate must be signed by the CA,
 * match the key and carry a whmcs-ha identity with one of `roles` (and `name`
 * when given). Every failure names the field, so start-up stops with exit 2.
 */
export function readTlsMaterial(
  tls: TlsConfig,
  expect: { roles: readonly Role[]; name?: string | undefined },
  source?: string,
): TlsMaterial {
  let mode: number;
  try {
    mode = statSync(tls.key).mode;
  } catch (e) {
    throw new InputError('tls.key', `cannot read ${tls.key}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, source);
  }
  if ((mode & 0o077) !== 0) {
    throw new InputError('tls.key', `${tls.key} must not be readable by group or others (chmod 600)`, source);
  }
  const ca = readPem(tls.ca, 'tls.ca', source);
  const cert = readPem(tls.cert, 'tls.cert', source);
  const key = readPem(tls.key, 'tls.key', source);
  // the CA file may hold several certificates: during a CA rotation it trusts the old and the new CA
  let caCerts: X509Certificate[];
  let own: X509Certificate;
  try {
    const blocks = ca.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    caCerts = blocks.map((b) => new X509Certificate(b));
    if (caCerts.length === 0) throw new Error('no certificate');
  } catch {
    throw new InputError('tls.ca', `${tls.ca} is not a PEM certificate`, source);
  }
  try {
    own = new X509Certificate(cert);
  } catch {
    throw new InputError('tls.cert', `${tls.cert} is not a PEM certificate`, source);
  }
  let keyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch {
    throw new InputError('tls.key', `${tls.key} is not a PEM private key`, source);
  }
  if (!own.checkPrivateKey(keyObject)) throw new InputError('tls.key', `${tls.key} is not the key of ${tls.cert}`, source);
  if (!caCerts.some((c) => own.verify(c.publicKey))) throw new InputError('tls.cert', `${tls.cert} is not signed by the CA in ${tls.ca}`, source);
  const now = Date.now();
  if (Date.parse(own.validTo) < now) throw new InputError('tls.cert', `${tls.cert} expired on ${own.validTo}`, source);
  const identity = identityFromCertificate({ subjectaltname: own.subjectAltName ?? '' });
  if (!identity) {
    throw new InputError('tls.cert', `${tls.cert} carries no whmcs-ha://ROLE/NAME identity (issue it with whmcs-hactl pki issue)`, source);
  }
  if (!expect.roles.includes(identity.role)) {
    throw new InputError('tls.cert', `${tls.cert} is a ${identity.role} certificate; this binary needs ${expect.roles.join(' or ')}`, source);
  }
  if (expect.name !== undefined && identity.name !== expect.name) {
    throw new InputError('tls.cert', `${tls.cert} names ${identity.name}, but this config is for ${expect.name}`, source);
  }
  return { ca, cert, key, identity };
}

/**
 * Server credentials: mutual TLS that requires a client certificate from the
 * cluster CA (a caller without one, or with one from another CA, fails the
 * handshake and never reaches a handler). Insecure only without material,
 * which the config loaders allow only with an explicit `insecure: true`.
 */
export function serverCredentials(material: TlsMaterial | null): grpc.ServerCredentials {
  if (!material) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(material.ca, [{ private_key: material.key, cert_chain: material.cert }], true);
}

/**
 * Channel credentials for dialling a coordinator. The usual host-name check is
 * replaced by an identity check: the private CA issues certificates only
 * through `pki issue`, and addresses (lab IPs, NAT) change while a
 * coordinator's name does not. The server must present a coordinator
 * certificate, named `name` when the caller knows whom it dials.
 */
/**
 * Channel options to go with channelCredentials(): the TLS server name sent is
 * a fixed name rather than the address (an IP address there makes Node print
 * a deprecation warning on every CLI run; servers here do not use SNI).
 */
export function tlsChannelOptions(material: TlsMaterial | null): grpc.ChannelOptions {
  return material ? { 'grpc.ssl_target_name_override': 'whmcs-ha-coordinator' } : {};
}

export function channelCredentials(material: TlsMaterial | null, expect: { name?: string } = {}): grpc.ChannelCredentials {
  if (!material) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(material.ca, material.key, material.cert, {
    checkServerIdentity: (_host, cert) => {
      const id = identityFromCertificate(cert);
      if (!id || id.role !== 'coordinator') return new Error('the server did not present a coordinator certificate of the cluster CA');
      if (expect.name !== undefined && id.name !== expect.name) {
        return new Error(`expected coordinator ${expect.name}, the server's certificate names ${id.name}`);
      }
      return undefined;
    },
  });
}
