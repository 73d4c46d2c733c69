import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callerIdentity, grpc, readTlsMaterial, serverCredentials, serviceDefinition, SERVER_OPTIONS } from '@whmcs-ha/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentLinkServer } from '../../../coordinator/src/agent-link/agent-link-server.js';
import { pkiFiles, pkiInit, pkiIssue } from '../../../hactl/src/pki.js';
import { Agent } from '../../src/agent.js';
import { agentConfig } from '../support/agent-config.js';
import { generateTree } from '../support/file-tree.js';
import { startMariaDb, type MariaDbServer } from '../support/mariadb-server.js';
import { waitFor } from '../support/process-handle.js';

let dir: string;
let pki: string;
let db: MariaDbServer;
let server: grpc.Server;
let links: AgentLinkServer;
let address: string;

const tls = (role: 'agent' | 'coordinator', name: string) => {
  const f = pkiFiles(pki);
  pkiIssue({ dir: pki, role, name });
  return { ca: f.ca, ...f.leaf(role, name) };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wha-agent-tls-'));
  pki = join(dir, 'pki');
  pkiInit(pki);
  generateTree(join(dir, 'root'), 5, 10);
  db = await startMariaDb(join(dir, 'db'), 1);
  // a coordinator named c1 with the same hello check the real coordinator uses
  links = new AgentLinkServer({
    coordinatorId: 'c1',
    leadership: () => ({ leader: true, term: 1 }),
    authorizeHello: (stream, node) => {
      const id = callerIdentity(stream);
      return id?.role === 'agent' && id.name === node ? null : `certificate ${id ? `${id.role}/${id.name}` : 'none'} may not speak for ${node}`;
    },
  });
  server = new grpc.Server(SERVER_OPTIONS);
  server.addService(serviceDefinition('AgentLink'), links.grpcImplementation());
  const creds = serverCredentials(readTlsMaterial(tls('coordinator', 'c1'), { roles: ['coordinator'] }));
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? rej(e) : res(p))));
  address = `127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  links?.close();
  server?.forceShutdown();
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cfg = (node: string, files: { ca: string; cert: string; key: string }, coordinators = [address]) =>
  agentConfig({ node, dataDir: mkdtempSync(join(dir, 'data-')), root: join(dir, 'root'), coordinators, db, fpmSocket: '/nonexistent.sock', tls: files });

describe('agent link over mTLS', () => {
  it('reports with its node certificate to a coordinator that checks the Hello', async () => {
    const a = new Agent(cfg('web001', tls('agent', 'web001')));
    await a.start();
    try {
      await waitFor('report over TLS', async () => links.node('web001')?.report?.mysql?.up);
      expect(links.node('web001')!.connected).toBe(true);
    } finally {
      await a.stop();
    }
  });

  it('refuses to start with a certificate that names another node (exit-2 error naming tls.cert)', () => {
    const files = tls('agent', 'web002');
    expect(() => new Agent(cfg('web003', files))).toThrow(/tls\.cert: .* names web002, but this config is for web003/);
  });

  it('does not talk to a coordinator whose certificate names another coordinator', async () => {
    // the config says this address is c2; the server there proves it is c1
    const files = tls('agent', 'web004');
    const c = agentConfig({ node: 'web004', dataDir: mkdtempSync(join(dir, 'data-')), root: join(dir, 'root'), coordinators: [address], db, fpmSocket: '/nonexistent.sock', tls: files });
    c.coordinators[0]!.id = 'c2';
    const a = new Agent(c);
    await a.start();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(links.node('web004')).toBeUndefined();
      expect(a.links[0]!.connected).toBe(false);
      expect(a.links[0]!.reconnects).toBeGreaterThan(0);
    } finally {
      await a.stop();
    }
  });
});
