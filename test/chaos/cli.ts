/**
 * `pnpm chaos [--minutes N] [--seed S] [--lab-id N] [--keep-lab] [--kinds a,b] [--quiet MIN-MAX]`: a Jepsen-style run
 * in its own lab. Exit 0 when the checker finds nothing, 1 when it finds something, 2 on bad input.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../../packages/shared/src/errors.js';
import { FAULT_KINDS, type FaultKind } from './nemesis.js';
import { runChaos } from './run.js';

function intArg(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`--${name}`, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      seed: { type: 'string' },
      'lab-id': { type: 'string' },
      'keep-lab': { type: 'boolean', default: false },
      kinds: { type: 'string' },
      quiet: { type: 'string' },
    },
    strict: true,
  });
  const minutes = intArg('minutes', values.minutes, 10, 1, 24 * 60);
  const seed = intArg('seed', values.seed, Math.floor(Math.random() * 1e6), 0, 2 ** 31 - 1);
  const labId = intArg('lab-id', values['lab-id'], 7, 2, 254);
  let kinds: FaultKind[] | undefined;
  if (values.kinds !== undefined) {
    kinds = values.kinds.split(',').map((k) => {
      if (!(FAULT_KINDS as readonly string[]).includes(k)) throw new InputError('--kinds', `unknown fault kind ${JSON.stringify(k)} (known: ${FAULT_KINDS.join(', ')})`);
      return k as FaultKind;
    });
  }
  let quietSeconds: [number, number] | undefined;
  if (values.quiet !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(values.quiet);
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2]);
    if (!m || lo > hi || hi > 3600) throw new InputError('--quiet', `expected MIN-MAX seconds between faults (0-3600, MIN <= MAX), got ${JSON.stringify(values.quiet)}`);
    quietSeconds = [lo, hi];
  }
  const out = await runChaos({ labId, minutes, seed, keepLab: values['keep-lab'], ...(kinds ? { kinds } : {}), ...(quietSeconds ? { quietSeconds } : {}) });
  process.stdout.write(`\n${out.summary}\n\nfiles: ${out.files.txt}\n       ${out.files.json}\n       ${out.files.svg}\n`);
  return out.report.verdict.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    // node:util parseArgs reports an unknown or malformed option with an ERR_PARSE_ARGS_* code
    const bad = e instanceof InputError || String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`chaos: ${bad ? e.message : (e.stack ?? e.message)}\n`);
    const code = bad ? 2 : 1;
    process.exit(code);
  },
);
