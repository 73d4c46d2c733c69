import { timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '@whmcs-ha/shared';

/**
 * A dashboard bearer token (the operator's, dashboard.operatorTokenFile, or the
 * viewer's, dashboard.viewerTokenFile): read once from a file only its owner
 * can read, compared in constant time.
 */
export class BearerToken {
  private constructor(private readonly digest: Buffer) {}

  /** `field` is the config key the file came from, so an error names it. */
  static load(file: string, field: string, source: string): BearerToken {
    let mode: number;
    try {
      mode = statSync(file).mode;
    } catch (e) {
      throw new InputError(field, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, source);
    }
    if ((mode & 0o077) !== 0) {
      throw new InputError(field, `${file} is mode ${(mode & 0o777).toString(8)}; it holds a credential, make it 0600 (chmod 600 ${file})`, source);
    }
    const token = readFileSync(file, 'utf8').trim();
    if (token.length < 16) throw new InputError(field, `${file} must hold a token of at least 16 characters`, source);
    return new BearerToken(sha256(token));
  }

  /** Hashing first makes both sides the same length, so the comparison leaks nothing about the length. */
  matches(candidate: unknown): boolean {
    if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 4096) return false;
    return timingSafeEqual(sha256(candidate), this.digest);
  }
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
