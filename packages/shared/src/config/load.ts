import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { InputError, InputErrors } from '../errors.js';

/** Turns a zod issue path into the dotted field name users see: `nodes[1].address`. */
export function fieldName(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

/** Validates raw data against a schema; every problem becomes an InputError naming the field. */
export function validate<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => new InputError(fieldName(i.path), i.message, source));
  throw errors.length === 1 ? errors[0]! : new InputErrors(errors);
}

/** Reads a YAML file (raw stage). Syntax errors name the line. */
export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError('--config', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0];
    throw new InputError(line ? `line ${line.line}` : '(yaml)', first.message.split('\n')[0] ?? 'invalid YAML', file);
  }
  return doc.toJS() ?? {};
}

/** raw -> defaults -> compiled: the schema holds the defaults, `compile` adds derived values and cross-field checks. */
export function loadConfigFile<S extends z.ZodType, C>(
  file: string,
  schema: S,
  compile: (cfg: z.output<S>, source: string) => C,
): C {
  const raw = readYaml(file);
  const parsed = validate(schema, raw, file);
  return compile(parsed, file);
}
