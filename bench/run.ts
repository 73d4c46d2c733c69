/**
 * `pnpm bench`: runs every benchmark and prints the figures side by side.
 * Each area adds one `<area>-bench.ts` exporting an async function returning label -> figure.
 */
import { agentBench } from './agent-bench.js';

const benches: [string, () => Promise<Record<string, string>>][] = [['agent', agentBench]];

for (const [name, run] of benches) {
  process.stdout.write(`\n== ${name} ==\n`);
  const figures = await run();
  const w = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}
