import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { InputError, identityUri, name as nameSchema, ROLES, type Role } from '@whmcs-ha/shared';

/**
 * The cluster's private CA and the certificates it issues, made with the
 * `openssl` CLI (node:crypto can make keys but not certificates; OpenSSL is on
 * every Debian machine this product runs on, so no X.509 library is bundled).
 * Every file is created 0600 before OpenSSL writes into it, so no key is ever
 * readable by anyone else, not even for an instant (certificates are public,
 * but one rule for every file keeps copies of the directory safe).
 *
 * Layout of a PKI directory:  ca.pem ca.key  ROLE-NAME.pem ROLE-NAME.key ...
 * (the role is in the file name: web002 may hold both an agent and a coordinator)
 */
export const DEFAULT_PKI_DIR = '/etc/whmcs-ha/tls';
const CA_DAYS = 3650;
const LEAF_DAYS = 825;

export interface IssuedFiles {
  cert: string;
  key: string;
}

export const pkiFiles = (dir: string) => ({
  ca: join(dir, 'ca.pem'),
  caKey: join(dir, 'ca.key'),
  leaf: (role: Role, n: string): IssuedFiles => ({ cert: join(dir, `${role}-${n}.pem`), key: join(dir, `${role}-${n}.key`) }),
});

/** Synchronous on purpose: a handful of one-shot key generations, also called from the lab's synchronous config writer. */
function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { timeout: 60_000, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('openssl is not installed (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}

/** Creates `path` empty with mode 0600 (refusing to overwrite), so OpenSSL then writes into a private file. */
function privateFile(path: string, field: string): void {
  try {
    writeFileSync(path, '', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(field, `${path} already exists; remove it first to replace it`);
    throw e;
  }
  chmodSync(path, 0o600); // the umask could only have narrowed it; make it exact
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** `pki init`: a new cluster CA (EC P-256, 10 years) in `dir`. */
export function pkiInit(dir: string): { ca: string; caKey: string } {
  const f = pkiFiles(dir);
  ensureDir(dir);
  if (existsSync(f.ca)) throw new InputError('--dir', `${dir} already holds a CA (${f.ca}); a second CA would split the cluster`);
  privateFile(f.caKey, '--dir');
  privateFile(f.ca, '--dir');
  try {
    openssl([
      'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', f.caKey, '-out', f.ca, '-days', String(CA_DAYS), '-sha256',
      '-subj', '/O=whmcs-ha/CN=whmcs-ha cluster CA',
      '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  } catch (e) {
    rmSync(f.caKey, { force: true });
    rmSync(f.ca, { force: true });
    throw e;
  }
  return { ca: f.ca, caKey: f.caKey };
}

export interface IssueOptions {
  dir: string;
  role: string;
  name: string;
  /** extra DNS names or IP addresses, for clients that check host names the usual way */
  hosts?: string[];
  days?: number;
}

export function checkIssueOptions(o: IssueOptions): { role: Role; name: string; hosts: string[] } {
  if (!(ROLES as readonly string[]).includes(o.role)) throw new InputError('--role', `must be one of ${ROLES.join(', ')}, got "${o.role}"`);
  if (!nameSchema.safeParse(o.name).success) throw new InputError('--name', `"${o.name}" must be lowercase letters, digits and dashes`);
  const hosts = o.hosts ?? [];
  hosts.forEach((h, i) => {
    if (!isIP(h) && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(h)) throw new InputError(`--host[${i}]`, `"${h}" is neither an IP address nor a DNS name`);
  });
  return { role: o.role as Role, name: o.name, hosts };
}

/** `pki issue`: a certificate for one coordinator, agent (node), operator or viewer, signed by the CA in `dir`. */
export function pkiIssue(o: IssueOptions): IssuedFiles {
  const { role, name, hosts } = checkIssueOptions(o);
  const f = pkiFiles(o.dir);
  if (!existsSync(f.caKey) || !existsSync(f.ca)) throw new InputError('--dir', `${o.dir} holds no CA; run whmcs-hactl pki init --dir ${o.dir} first`);
  const out = f.leaf(role, name);
  privateFile(out.key, '--name');
  try {
    privateFile(out.cert, '--name');
  } catch (e) {
    rmSync(out.key, { force: true });
    throw e;
  }
  const san = [`URI:${identityUri({ role, name })}`, `DNS:${name}`, ...hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`))].join(',');
  // -x509 with -CA (OpenSSL 3) signs in one step with a random serial: no CSR or serial file on disk
  try {
    openssl([
      'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', out.key, '-out', out.cert, '-days', String(o.days ?? LEAF_DAYS), '-sha256',
      '-CA', f.ca, '-CAkey', f.caKey,
      '-subj', `/O=whmcs-ha/OU=${role}/CN=${name}`,
      '-addext', `subjectAltName=${san}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
      '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
    ]);
  } catch (e) {
    rmSync(out.key, { force: true });
    rmSync(out.cert, { force: true });
    throw e;
  }
  return out;
}
