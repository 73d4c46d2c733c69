/**
 * Exclude patterns with rsync's meaning, so the very same list goes to the
 * manifest and to `rsync --exclude`:
 * - `name/` (trailing slash) matches directories only, and so everything below;
 * - a pattern without `/` matches a file or directory name at any depth;
 * - `/path` is anchored at the root; `a/b` (inner slash) matches the end of the path;
 * - `*` and `?` stop at `/`, `**` crosses it, `[...]` is a character class.
 */
export class ExcludeMatcher {
  private readonly rules: { re: RegExp; dirOnly: boolean }[];

  constructor(readonly patterns: readonly string[]) {
    this.rules = patterns.map((p) => compile(p));
  }

  /** `rel` is a path relative to the root with `/` separators, without a leading slash. */
  excludes(rel: string, isDir: boolean): boolean {
    for (const r of this.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(rel)) return true;
    }
    return false;
  }

  /** True when `rel` or any of its parent directories is excluded. */
  excludesPath(rel: string, isDir: boolean): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) if (this.excludes(parts.slice(0, i).join('/'), true)) return true;
    return this.excludes(rel, isDir);
  }
}

function compile(pattern: string): { re: RegExp; dirOnly: boolean } {
  let p = pattern;
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  const anchored = p.startsWith('/');
  if (anchored) p = p.slice(1);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return { re: new RegExp(anchored ? `^${re}$` : `(^|/)${re}$`), dirOnly };
}
