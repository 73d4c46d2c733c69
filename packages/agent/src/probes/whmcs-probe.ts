import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { WhmcsState } from '@whmcs-ha/shared';
import { ExcludeMatcher } from '../files/exclude-matcher.js';

/** configuration.php is small; a bigger file is not WHMCS's and is not read whole. */
const MAX_CONFIG_BYTES = 1 << 20;

/**
 * The value of a simple `$name = 'value';` assignment in configuration.php
 * (WHMCS writes only such lines); the last one wins, as in PHP.
 */
export function phpStringSetting(php: string, name: string): string | null {
  const re = new RegExp(`^\\s*\\$${name}\\s*=\\s*(['"])((?:\\\\.|(?!\\1).)*)\\1\\s*;`, 'gm');
  let value: string | null = null;
  for (const m of php.matchAll(re)) value = m[2]!.replace(/\\(['"\\])/g, '$1');
  return value;
}

/** Whether `dir` (absolute) lies outside `root` or is excluded from the file sync by `excludes`. */
export function dirExcluded(root: string, dir: string, excludes: readonly string[]): boolean {
  const rel = relative(root, dir);
  if (rel === '') return false;
  if (rel.startsWith('..') || isAbsolute(rel)) return true;
  return new ExcludeMatcher(excludes).excludesPath(rel.split(sep).join('/'), true);
}

/**
 * Reads the install's configuration.php for `whmcs-hactl check`: its digest
 * (must be identical on every node), `$session_handling` (must be
 * 'database', or sessions die with the node), and where Smarty compiles
 * templates (a per-node cache the file sync must exclude).
 */
export class WhmcsProbe {
  constructor(
    private readonly root: string,
    private readonly excludes: readonly string[],
  ) {}

  async probe(): Promise<WhmcsState> {
    let php: Buffer;
    try {
      php = await readFile(join(this.root, 'configuration.php'));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      return { configDigest: '', configError: `cannot read configuration.php: ${code || (e as Error).message}`, sessionHandling: '', templatesDir: '', templatesExcluded: false };
    }
    if (php.length > MAX_CONFIG_BYTES) {
      return { configDigest: '', configError: `configuration.php is ${php.length} bytes, too big to be WHMCS's`, sessionHandling: '', templatesDir: '', templatesExcluded: false };
    }
    const text = php.toString('utf8');
    const compileDir = phpStringSetting(text, 'templates_compiledir') ?? 'templates_c';
    const templatesDir = resolve(this.root, compileDir);
    return {
      configDigest: createHash('sha256').update(php).digest('hex'),
      configError: '',
      sessionHandling: phpStringSetting(text, 'session_handling') ?? '',
      templatesDir,
      templatesExcluded: dirExcluded(this.root, templatesDir, this.excludes),
    };
  }
}
