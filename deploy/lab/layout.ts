import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../packages/shared/src/errors.js';

/** The lab's fixed topology: DESIGN §2's reference set-up of four servers. */
export type HostName = 'web001' | 'web002' | 'lb1' | 'witness';
export type HostRole = 'web' | 'lb' | 'witness';

export interface HostLayout {
  name: HostName;
  role: HostRole;
  /** network namespace, also the host-side veth name (both fit the 15-char link name limit) */
  netns: string;
  address: string;
  dir: string;
}

export interface WebHostLayout extends HostLayout {
  role: 'web';
  serverId: number;
  /** auto_increment_offset and gtid_domain_id */
  offset: number;
  /** the app copy of this node; bind-mounted at installPath inside the node's processes */
  appDir: string;
  runDir: string;
}

export interface LabLayout {
  id: number;
  repoRoot: string;
  /** `.lab/` for lab 1 (the public contract), `.lab-<id>/` for the others */
  dir: string;
  stateFile: string;
  hactlFile: string;
  secretsDir: string;
  logsDir: string;
  bridge: string;
  subnet: string;
  prefixLength: number;
  /** the root namespace's address on the bridge: how tests, curl and whmcs-hactl reach the hosts */
  rootAddress: string;
  /** the same path string on every web node (the WHMCS licence checks the directory) */
  installPath: string;
  web: [WebHostLayout, WebHostLayout];
  lb: HostLayout;
  witness: HostLayout;
  hosts: HostLayout[];
  lbUrl: string;
  coordinatorPort: number;
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** WHA_LAB_ID selects an independent lab (namespaces, bridge, subnet, directory), so several can run at once. */
export function labIdFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WHA_LAB_ID;
  if (raw === undefined || raw === '') return 1;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 254) {
    throw new InputError('WHA_LAB_ID', `must be a whole number from 1 to 254 (got ${JSON.stringify(raw)})`, 'environment');
  }
  return Number(raw);
}

/** WHA_LAB_DIR puts a lab's files elsewhere (the test suite gives each run its own directory). */
export function labDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.WHA_LAB_DIR;
  if (raw === undefined || raw === '') return undefined;
  if (!isAbsolute(raw)) throw new InputError('WHA_LAB_DIR', `must be an absolute path (got ${JSON.stringify(raw)})`, 'environment');
  return raw;
}

export function labLayout(id: number, root: string = repoRoot, dirOverride?: string): LabLayout {
  if (!Number.isInteger(id) || id < 1 || id > 254) throw new InputError('WHA_LAB_ID', `must be 1-254 (got ${id})`);
  const dir = dirOverride ?? join(root, id === 1 ? '.lab' : `.lab-${id}`);
  // 198.18.0.0/15 is reserved for benchmarking (RFC 2544): it never collides with a real network.
  const subnet = `198.18.${id}`;
  const host = (name: HostName, role: HostRole, octet: number): HostLayout => ({
    name,
    role,
    netns: `wha${id}-${name}`,
    address: `${subnet}.${octet}`,
    dir: join(dir, 'hosts', name),
  });
  const web = (name: 'web001' | 'web002', octet: number, n: number): WebHostLayout => {
    const h = host(name, 'web', octet);
    return { ...h, role: 'web', serverId: n, offset: n, appDir: join(h.dir, 'app'), runDir: join(h.dir, 'run') };
  };
  const web001 = web('web001', 11, 1);
  const web002 = web('web002', 12, 2);
  const lb = host('lb1', 'lb', 20);
  const witness = host('witness', 'witness', 30);
  return {
    id,
    repoRoot: root,
    dir,
    stateFile: join(dir, 'state.json'),
    hactlFile: join(dir, 'hactl.yaml'),
    secretsDir: join(dir, 'secrets'),
    logsDir: join(dir, 'logs'),
    bridge: `whabr${id}`,
    subnet: `${subnet}.0/24`,
    prefixLength: 24,
    rootAddress: `${subnet}.1`,
    installPath: join(dir, 'www', 'whmcs'),
    web: [web001, web002],
    lb,
    witness,
    hosts: [web001, web002, lb, witness],
    lbUrl: `http://${lb.address}/`,
    coordinatorPort: 7400,
  };
}
