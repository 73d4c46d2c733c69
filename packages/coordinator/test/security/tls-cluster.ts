import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHANNEL_OPTIONS,
  clientConstructor,
  grpc,
  readTlsMaterial,
  type Role,
  type ServiceName,
} from '@whmcs-ha/shared';
import { pkiFiles, pkiInit, pkiIssue } from '../../../hactl/src/pki.js';
import { Coordinator } from '../../src/cluster/coordinator.js';
import { freePort, startTrio } from '../observability/coordinator-trio.js';

/** A PKI made by the real `pki` code in a temporary directory. */
export class TestPki {
  readonly dir: string;
  constructor(root: string, label: string) {
    this.dir = join(root, label);
    pkiInit(this.dir);
  }

  /** tls section for role/name, issuing the certificate the first time */
  tls(role: Role, name: string): { ca: string; cert: string; key: string } {
    const f = pkiFiles(this.dir);
    const leaf = f.leaf(role, name);
    try {
      pkiIssue({ dir: this.dir, role, name });
    } catch (e) {
      if (!/already exists/.test((e as Error).message)) throw e;
    }
    return { ca: f.ca, ...leaf };
  }
}

/** A gRPC client of one service with the given certificate (null: TLS without a client certificate; 'insecure': plain). */
export function client(
  service: ServiceName,
  address: string,
  who: { pki: TestPki; role: Role; name: string } | { caOnly: TestPki } | 'insecure',
  options: grpc.ChannelOptions = {},
): grpc.Client {
  const Ctor = clientConstructor(service);
  let creds: grpc.ChannelCredentials;
  if (who === 'insecure') creds = grpc.credentials.createInsecure();
  else if ('caOnly' in who) {
    const ca = readTlsMaterial(who.caOnly.tls('viewer', 'ca-reader'), { roles: ['viewer'] }).ca;
    creds = grpc.credentials.createSsl(ca, null, null, { checkServerIdentity: () => undefined });
  } else {
    const m = readTlsMaterial(who.pki.tls(who.role, who.name), { roles: [who.role] });
    // the server's identity is not what these tests are about: accept any server of that CA
    creds = grpc.credentials.createSsl(m.ca, m.key, m.cert, { checkServerIdentity: () => undefined });
  }
  return new Ctor(address, creds, { ...CHANNEL_OPTIONS, ...options });
}

export function unary<T>(c: grpc.Client, method: string, req: object, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) =>
    (c as unknown as Record<string, (r: object, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: T) => void) => void>)[method]!.call(
      c,
      req,
      { deadline: new Date(Date.now() + timeoutMs) },
      (e, r) => (e ? reject(e) : resolve(r)),
    ),
  );
}

export async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return grpc.status.OK;
  } catch (e) {
    return (e as grpc.ServiceError).code;
  }
}

/** Three real coordinators on loopback with mTLS from one test CA, as the lab runs them. */
export async function startTlsTrio(): Promise<{ root: string; pki: TestPki; coordinators: Coordinator[]; stop: () => Promise<void> }> {
  const root = mkdtempSync(join(tmpdir(), 'wha-sec-'));
  const pki = new TestPki(root, 'pki');
  const trio = await startTrio({}, { dir: root, perNode: (id) => ({ tls: pki.tls('coordinator', id) }) });
  return { root, pki, ...trio };
}
