import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabLayout, WebHostLayout } from './layout.js';
import type { LabSecrets } from './secrets.js';

const here = dirname(fileURLToPath(import.meta.url));
export const appSource = join(here, 'app');
export const schemaFile = join(here, 'app-schema.sql');
export const appMountHelper = join(here, 'bin', 'with-app-mount.sh');

/**
 * Copies the stand-in app to the node's own directory and writes its configuration.php. Every node gets
 * the identical configuration.php (`whmcs-hactl check` compares them).
 */
export function installApp(layout: LabLayout, host: WebHostLayout, secrets: LabSecrets): void {
  mkdirSync(layout.installPath, { recursive: true });
  cpSync(appSource, host.appDir, { recursive: true });
  const template = readFileSync(join(appSource, 'configuration.php'), 'utf8');
  const config = template
    .replace("$db_password = '';", `$db_password = '${secrets.app}';`)
    .replace("$cc_encryption_hash = '';", `$cc_encryption_hash = 'lab${layout.id}-not-a-secret';`);
  writeFileSync(join(host.appDir, 'configuration.php'), config, { mode: 0o640 });
}

/** argv prefix that runs a program of this node with its app copy mounted at the shared install path. */
export function withAppMount(layout: LabLayout, host: WebHostLayout, argv: string[]): string[] {
  return ['/bin/sh', appMountHelper, host.appDir, layout.installPath, ...argv];
}
