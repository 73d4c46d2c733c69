import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { identityFromCertificate, readTlsMaterial } from '@whmcs-ha/shared';
import { pkiFiles, pkiInit, pkiIssue } from '../../src/pki.js';

describe('whmcs-hactl pki', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'wha-pki-')), 'tls');
  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('makes a CA and certificates that carry role and name, every file 0600 in a 0700 directory', () => {
    pkiInit(dir);
    const coord = pkiIssue({ dir, role: 'coordinator', name: 'lb1', hosts: ['10.0.0.5', 'lb1.example.net'] });
    pkiIssue({ dir, role: 'agent', name: 'web002' });
    pkiIssue({ dir, role: 'coordinator', name: 'web002' });
    pkiIssue({ dir, role: 'viewer', name: 'vera' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(dir)) expect([f, statSync(join(dir, f)).mode & 0o777]).toEqual([f, 0o600]);
    expect(readdirSync(dir).sort()).toEqual(
      ['ca.key', 'ca.pem', 'agent-web002.key', 'agent-web002.pem', 'coordinator-lb1.key', 'coordinator-lb1.pem', 'coordinator-web002.key', 'coordinator-web002.pem', 'viewer-vera.key', 'viewer-vera.pem'].sort(),
    );
    const x = new X509Certificate(readFileSync(coord.cert));
    expect(x.subject).toContain('CN=lb1');
    expect(x.subject).toContain('OU=coordinator');
    expect(x.subjectAltName).toContain('IP Address:10.0.0.5');
    expect(x.subjectAltName).toContain('DNS:lb1.example.net');
    expect(identityFromCertificate({ subjectaltname: x.subjectAltName! })).toEqual({ role: 'coordinator', name: 'lb1' });
    const ca = new X509Certificate(readFileSync(pkiFiles(dir).ca));
    expect(ca.ca).toBe(true);
    expect(x.verify(ca.publicKey)).toBe(true);
    expect(x.checkIssued(ca)).toBe(true);
    // the same name in two roles (web002 runs an agent and a coordinator) gets two files
    expect(readTlsMaterial({ ca: pkiFiles(dir).ca, ...pkiFiles(dir).leaf('agent', 'web002') }, { roles: ['agent'], name: 'web002' }).identity.role).toBe('agent');
  });

  it('never overwrites a key', () => {
    expect(() => pkiIssue({ dir, role: 'viewer', name: 'vera' })).toThrow(/already exists/);
    expect(() => pkiInit(dir)).toThrow(/already holds a CA/);
  });
});

describe('identityFromCertificate', () => {
  it.each([
    ['URI:whmcs-ha://agent/web001, DNS:web001', { role: 'agent', name: 'web001' }],
    ['DNS:web001, URI:whmcs-ha://operator/olga', { role: 'operator', name: 'olga' }],
    ['DNS:web001', null],
    ['', null],
    ['URI:whmcs-ha://root/web001', null],
    ['URI:whmcs-ha://agent/Web001', null],
    ['URI:whmcs-ha://agent/web001/extra', null],
    ['URI:whmcs-ha://agent/web001, URI:whmcs-ha://operator/olga', null],
    ['URI:https://agent/web001', null],
  ])('%j', (san, want) => {
    expect(identityFromCertificate({ subjectaltname: san })).toEqual(want);
  });
});
