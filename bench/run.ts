/**
 * `pnpm bench`: every benchmark of the project in one command. Each figure is printed, with a
 * baseline measured in the same run where one exists and the ratio to it; everything goes to
 * bench/results/latest.json. Needs no lab already up: the lab figures bring up their own (id
 * BENCH_LAB_ID, default 8). BENCH_ONLY=lb,raft,agent,lab picks areas.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { agentBench } from './agent-bench.js';
import type { Figure } from './figure.js';
import { labBench } from './lab-bench.js';
import { lbBench } from './lb-bench.js';
import { raftBench } from './raft-bench.js';

const log = (area: string) => (l: string) => process.stdout.write(`  [${area}] ${l}\n`);

const areas: Array<[string, () => Promise<Figure[]>]> = [
  ['lb', () => lbBench()],
  ['raft', () => raftBench(log('raft'))],
  [
    'agent',
    async () => {
      // the agent's figures carry their own goals in their text (manifest vs sha256sum, RSS, CPU)
      const fs: Figure[] = Object.entries(await agentBench()).map(([name, text]) => {
        const m = /^([\d.]+) (ms|MB|%)/.exec(text);
        return { area: 'agent', name, value: m ? Number(m[1]) : null, unit: m?.[2] ?? '', text };
      });
      const sha = fs.find((f) => f.name.startsWith('sha256sum'));
      const man = fs.find((f) => f.name.startsWith('manifest full scan'));
      if (sha?.value && man?.value) {
        man.baseline = { name: 'sha256sum on the same tree', value: sha.value, unit: 'ms' };
        man.ratio = man.value / sha.value;
      }
      return fs;
    },
  ],
  ['lab', () => labBench(log('lab'))],
];

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const figures: Figure[] = [];
const failures: Array<{ area: string; error: string }> = [];
const started = new Date();
for (const [area, run] of areas) {
  if (only && !only.includes(area)) continue;
  process.stdout.write(`\n== ${area} ==\n`);
  const t0 = performance.now();
  try {
    const fs = await run();
    figures.push(...fs);
    for (const f of fs) process.stdout.write(`  ${f.name}: ${fmt(f)}\n`);
  } catch (e) {
    // one broken area must not hide the others' figures; the exit code says something failed
    failures.push({ area, error: (e as Error).stack ?? String(e) });
    process.stdout.write(`  FAILED: ${(e as Error).message}\n`);
  }
  process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}

function fmt(f: Figure): string {
  const v = f.value === null ? (f.text ?? '') : `${f.value.toFixed(f.value < 10 ? 2 : 0)} ${f.unit}`;
  const base = f.baseline ? `  vs ${f.baseline.name} ${f.baseline.value.toFixed(0)} ${f.baseline.unit} = ${f.ratio!.toFixed(2)}x` : '';
  const extra = f.value !== null && f.text ? `  (${f.text})` : '';
  return `${v}${base}${extra}`;
}

const w = Math.min(70, Math.max(...figures.map((f) => f.name.length), 10));
process.stdout.write(`\n${'figure'.padEnd(w)} | value      | baseline                   | ratio\n${'-'.repeat(w)}-+------------+----------------------------+------\n`);
for (const f of figures) {
  const name = f.name.length > w ? `${f.name.slice(0, w - 1)}…` : f.name.padEnd(w);
  const v = f.value === null ? '-' : `${f.value.toFixed(f.value < 10 ? 2 : 0)} ${f.unit}`;
  const b = f.baseline ? `${f.baseline.value.toFixed(0)} ${f.baseline.unit} ${f.baseline.name}` : '';
  process.stdout.write(`${name} | ${v.padEnd(10)} | ${b.slice(0, 26).padEnd(26)} | ${f.ratio ? `${f.ratio.toFixed(2)}x` : ''}\n`);
}
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const out = join(dir, 'latest.json');
writeFileSync(
  out,
  `${JSON.stringify({ startedAt: started.toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '' }, node: process.version, figures, failures }, null, 1)}\n`,
);
process.stdout.write(`\nwrote ${out}${failures.length ? `; ${failures.length} area(s) failed: ${failures.map((f) => f.area).join(', ')}` : ''}\n`);
process.exit(failures.length ? 1 : 0);
