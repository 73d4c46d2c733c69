import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pkiFiles, pkiInit, pkiIssue } from '../../packages/hactl/src/pki.js';
import type { Role } from '../../packages/shared/src/identity.js';
import type { HostLayout, LabLayout } from './layout.js';

/** The lab's operator and viewer (hactl.yaml is the operator; tests use the viewer to check refusals). */
export const LAB_OPERATOR = 'lab-operator';
export const LAB_VIEWER = 'lab-viewer';

export const labPkiDir = (layout: LabLayout) => join(layout.secretsDir, 'pki');

/** The tls section for one certificate of the lab's CA. */
export function labTls(layout: LabLayout, role: Role, name: string): { ca: string; cert: string; key: string } {
  const f = pkiFiles(labPkiDir(layout));
  return { ca: f.ca, ...f.leaf(role, name) };
}

/**
 * A fresh cluster CA at every `lab up`, with the real `whmcs-hactl pki` code:
 * one certificate per coordinator (with its lab address, for clients that
 * check host names), per agent, and an operator and a viewer.
 */
export function writeLabPki(layout: LabLayout, coordinators: HostLayout[]): void {
  const dir = labPkiDir(layout);
  rmSync(dir, { recursive: true, force: true });
  pkiInit(dir);
  for (const c of coordinators) pkiIssue({ dir, role: 'coordinator', name: c.name, hosts: [c.address] });
  for (const w of layout.web) pkiIssue({ dir, role: 'agent', name: w.name });
  pkiIssue({ dir, role: 'operator', name: LAB_OPERATOR });
  pkiIssue({ dir, role: 'viewer', name: LAB_VIEWER });
}
