import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabLayout } from './layout.js';

export interface LabSecrets {
  app: string;
  replication: string;
  monitor: string;
}

export const secretFiles = (layout: LabLayout) => ({
  app: join(layout.secretsDir, 'mysql-app.password'),
  replication: join(layout.secretsDir, 'mysql-repl.password'),
  monitor: join(layout.secretsDir, 'mysql-whmcs_ha.password'),
});

/** Fresh passwords at every `up`, in 0600 files (DESIGN §10: secrets come from 0600 files). Hex: safe in SQL and PHP literals. */
export function createSecrets(layout: LabLayout): LabSecrets {
  mkdirSync(layout.secretsDir, { recursive: true, mode: 0o700 });
  const files = secretFiles(layout);
  const secrets: LabSecrets = {
    app: randomBytes(18).toString('hex'),
    replication: randomBytes(18).toString('hex'),
    monitor: randomBytes(18).toString('hex'),
  };
  for (const k of Object.keys(files) as Array<keyof LabSecrets>) writeFileSync(files[k], secrets[k], { mode: 0o600 });
  return secrets;
}

export function readSecrets(layout: LabLayout): LabSecrets {
  const files = secretFiles(layout);
  return {
    app: readFileSync(files.app, 'utf8').trim(),
    replication: readFileSync(files.replication, 'utf8').trim(),
    monitor: readFileSync(files.monitor, 'utf8').trim(),
  };
}
