/**
 * A small YAML writer for the lab's generated configs (plain objects, arrays, strings, numbers, booleans).
 * Strings are always double-quoted JSON strings, which are valid YAML scalars, so no value can change type
 * or break the structure. The shared loaders parse the output in test/lab (the round trip is tested).
 */
type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k));

function scalar(v: string | number | boolean | null): string {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
  return JSON.stringify(v);
}

function emit(v: Value, indent: string): string[] {
  if (Array.isArray(v)) {
    if (v.length === 0) return ['[]'];
    return v.flatMap((item) => {
      const lines = emit(item, `${indent}  `);
      if (isBlock(item)) return [`${indent}- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
      return [`${indent}- ${lines[0]}`];
    });
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return ['{}'];
    return entries.flatMap(([k, x]) => {
      if (isBlock(x)) return [`${indent}${key(k)}:`, ...emit(x, `${indent}  `)];
      return [`${indent}${key(k)}: ${emit(x, '')[0]}`];
    });
  }
  if (v === undefined) throw new Error('undefined in YAML value');
  return [scalar(v)];
}

function isBlock(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && typeof v === 'object' && Object.values(v).some((x) => x !== undefined);
}

export function toYaml(value: { [k: string]: Value }, header?: string): string {
  const head = header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n` : '';
  return `${head}${emit(value, '').join('\n')}\n`;
}
