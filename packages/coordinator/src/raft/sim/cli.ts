import { parseArgs } from 'node:util';
import { InputError } from '@whmcs-ha/shared';
import type { CoreMutation } from '../core/raft-core.js';
import { runSeed, type SimOptions } from './simulation.js';

/**
 * pnpm sim --seeds N [--seed S] [--nodes 3|5] [--chaos-ticks T] [--mutation M] [--trace]
 * Runs seeds S..S+N-1 (S defaults to 1); on the first failure prints the one
 * command that replays it and exits 1.
 */
function intArg(name: string, raw: string | undefined, dflt: number, min: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new InputError(name, `must be an integer >= ${min}, got "${raw}"`, 'command line');
  return n;
}

function parse() {
  try {
    return parseArgs({
      options: {
        seeds: { type: 'string' },
        seed: { type: 'string' },
        nodes: { type: 'string' },
        'chaos-ticks': { type: 'string' },
        mutation: { type: 'string' },
        trace: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new InputError('arguments', `${(err as Error).message} (usage: pnpm sim --seeds N [--seed S] [--nodes N] [--chaos-ticks T] [--mutation M] [--trace])`, 'command line');
  }
}

function main(): number {
  const { values } = parse();
  const seed = intArg('--seed', values.seed, 1, 0);
  const seeds = intArg('--seeds', values.seeds, values.seed === undefined ? 100 : 1, 1);
  const nodes = intArg('--nodes', values.nodes, 3, 1);
  const chaosTicks = intArg('--chaos-ticks', values['chaos-ticks'], 150, 0);
  const mutation = values.mutation as CoreMutation | undefined;
  if (mutation !== undefined && mutation !== 'vote-ignores-log' && mutation !== 'vote-twice') {
    throw new InputError('--mutation', 'must be vote-ignores-log or vote-twice', 'command line');
  }
  const started = Date.now();
  let maxHeal = 0;
  let committed = 0;
  for (let s = seed; s < seed + seeds; s++) {
    const opts: SimOptions = { seed: s, nodes, chaosTicks, mutation, trace: values.trace };
    const res = runSeed(opts);
    if (values.trace && res.ok && seeds === 1) for (const line of res.trace) console.log(line);
    maxHeal = Math.max(maxHeal, res.stats.healedAfterTicks);
    committed += res.stats.committed;
    if (!res.ok) {
      if (values.trace) for (const line of res.trace.slice(-400)) console.log(line);
      console.log(`seed ${s} FAILED (${res.invariant}) at tick ${res.tick}: ${res.failure}`);
      const extra = [
        nodes !== 3 ? ` --nodes ${nodes}` : '',
        chaosTicks !== 150 ? ` --chaos-ticks ${chaosTicks}` : '',
        mutation ? ` --mutation ${mutation}` : '',
      ].join('');
      console.log(`replay: pnpm sim --seed ${s}${extra} --trace`);
      return 1;
    }
  }
  const secs = (Date.now() - started) / 1000;
  console.log(`${seeds} seeds passed (${seed}..${seed + seeds - 1}) in ${secs.toFixed(1)} s; ${committed} entries committed; slowest recovery after heal ${maxHeal} ticks`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (err instanceof InputError) {
    console.error(err.message);
    process.exitCode = 2;
  } else throw err;
}
