import { run } from './run.js';

/** A program the lab needs, and the Debian package that brings it. */
interface Requirement {
  program: string;
  pkg: string;
}

const REQUIREMENTS: Requirement[] = [
  { program: 'ip', pkg: 'iproute2' },
  { program: 'mount', pkg: 'mount' },
  { program: 'mariadbd', pkg: 'mariadb-server' },
  { program: 'mariadb-install-db', pkg: 'mariadb-server' },
  { program: 'mariadb', pkg: 'mariadb-client' },
  { program: 'php-fpm8.2', pkg: 'php8.2-fpm' },
  { program: 'nginx', pkg: 'nginx' },
  { program: 'rsync', pkg: 'rsync' },
  // the lab's PKI is made with whmcs-hactl pki at every up
  { program: 'openssl', pkg: 'openssl' },
];

/** The Debian packages the lab uses (scripts/setup.sh installs the same list). */
export const LAB_PACKAGES = ['iproute2', 'mariadb-server', 'mariadb-client', 'php8.2-fpm', 'php8.2-mysql', 'nginx', 'rsync', 'openssl'];

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

async function hasProgram(program: string): Promise<boolean> {
  // a PATH lookup without a shell: every directory of PATH plus the sbin ones root normally has
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean);
  const { access, constants } = await import('node:fs/promises');
  for (const d of dirs) {
    try {
      await access(`${d}/${program}`, constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

async function missingPackages(): Promise<string[]> {
  const missing = new Set<string>();
  for (const r of REQUIREMENTS) if (!(await hasProgram(r.program))) missing.add(r.pkg);
  if (!missing.has('php8.2-fpm')) {
    const m = await run(['php-fpm8.2', '-m'], { allowFailure: true });
    if (!/^pdo_mysql$/m.test(m.stdout)) missing.add('php8.2-mysql');
  }
  return [...missing];
}

export const installCommand = (pkgs: string[]) =>
  `apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;

/**
 * The lab needs root (network namespaces, bind mounts) and the Debian packages. As root, missing
 * packages are installed with apt-get; otherwise the error says exactly what to run.
 */
export async function preflight(log: (msg: string) => void, uid: number = process.getuid?.() ?? 0): Promise<void> {
  let missing = await missingPackages();
  if (uid !== 0) {
    const steps = [
      missing.length > 0 ? `  1. as root: ${installCommand(missing)}` : undefined,
      `  ${missing.length > 0 ? '2' : '1'}. run the lab as root: sudo pnpm lab up   (or: sudo bash scripts/lab.sh up)`,
    ].filter(Boolean);
    throw new PreflightError(
      `the lab needs root: it creates network namespaces, a bridge and bind mounts.\n${steps.join('\n')}`,
    );
  }
  if (missing.length === 0) return;
  log(`installing Debian packages the lab needs: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run(['apt-get', 'update'], { env, timeoutMs: 600_000 });
    await run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: 1_200_000 });
  } catch (e) {
    throw new PreflightError(
      `could not install ${missing.join(' ')} (${e instanceof Error ? e.message.split('\n')[0] : String(e)}).\n` +
        `  Install them yourself: ${installCommand(missing)}`,
    );
  }
  missing = await missingPackages();
  if (missing.length > 0) {
    throw new PreflightError(`still missing after apt-get install: ${missing.join(' ')}. On Debian 12: ${installCommand(missing)}`);
  }
}
