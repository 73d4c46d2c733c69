/** One benchmark figure as `pnpm bench` prints it and writes it to bench/results/latest.json. */
export interface Figure {
  area: string;
  name: string;
  /** null for figures that are only text (the agent's, which print their own goals) */
  value: number | null;
  unit: string;
  text?: string;
  /** measured in the same run, on the same machine and input */
  baseline?: { name: string; value: number; unit: string };
  /** value / baseline.value */
  ratio?: number;
}
