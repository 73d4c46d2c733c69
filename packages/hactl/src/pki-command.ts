import { parseArgs } from 'node:util';
import { InputError } from '@whmcs-ha/shared';
import { DEFAULT_PKI_DIR, pkiInit, pkiIssue } from './pki.js';

export const PKI_USAGE = `  pki init [--dir D]             create the cluster CA (default dir ${DEFAULT_PKI_DIR})
  pki issue --role coordinator|agent|operator|viewer --name N [--dir D] [--host H ...] [--days N]
                                 a certificate from that CA; every file is written 0600`;

/** `whmcs-hactl pki ...`: files only, no coordinator involved. Exit 0, or 2 on bad input. */
export function pkiCommand(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string', default: DEFAULT_PKI_DIR },
        role: { type: 'string' },
        name: { type: 'string' },
        host: { type: 'string', multiple: true },
        days: { type: 'string' },
      },
    });
  } catch (e) {
    throw new InputError('arguments', `${(e as Error).message}\nusage:\n${PKI_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [sub, ...rest] = positionals;
  if (rest.length > 0) throw new InputError('arguments', `unexpected "${rest.join(' ')}" after pki ${sub}`);
  if (sub === 'init') {
    const r = pkiInit(values.dir);
    process.stdout.write(`CA created: ${r.ca} (key ${r.caKey}, mode 0600: keep it off the cluster's machines if you can)\n`);
    return 0;
  }
  if (sub === 'issue') {
    if (!values.role) throw new InputError('--role', 'required: coordinator, agent, operator or viewer');
    if (!values.name) throw new InputError('--name', 'required: the coordinator id, node name, or person');
    let days: number | undefined;
    if (values.days !== undefined) {
      days = Number(values.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new InputError('--days', `must be an integer 1-3650, got "${values.days}"`);
    }
    const r = pkiIssue({ dir: values.dir, role: values.role, name: values.name, hosts: values.host ?? [], ...(days ? { days } : {}) });
    process.stdout.write(`issued ${values.role} ${values.name}: ${r.cert} ${r.key}\n`);
    return 0;
  }
  throw new InputError('pki', `unknown pki command "${sub ?? ''}": use init or issue\nusage:\n${PKI_USAGE}`);
}
