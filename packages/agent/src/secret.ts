import { readFileSync, statSync } from 'node:fs';
import { InputError } from '@whmcs-ha/shared';

export interface SecretRef {
  file?: string | undefined;
  env?: string | undefined;
}

/**
 * Reads a secret from a file only its owner can read (mode 0600 or stricter)
 * or from an environment variable; `field` names the config key in errors.
 */
export function readSecret(ref: SecretRef | undefined, field: string, source?: string): string | undefined {
  if (!ref) return undefined;
  if (ref.env) {
    const v = process.env[ref.env];
    if (v === undefined) throw new InputError(`${field}.env`, `environment variable ${ref.env} is not set`, source);
    return v;
  }
  if (ref.file) {
    let st;
    try {
      st = statSync(ref.file);
    } catch (e) {
      throw new InputError(`${field}.file`, `cannot read ${ref.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, source);
    }
    if ((st.mode & 0o077) !== 0) {
      throw new InputError(`${field}.file`, `${ref.file} must not be readable by group or others (chmod 600)`, source);
    }
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  }
  return undefined;
}
