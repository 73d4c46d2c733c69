import { inject } from 'vitest';
import { labLayout, repoRoot, type LabLayout, type WebHostLayout } from '../../deploy/lab/layout.js';
import { sql } from '../../deploy/lab/mariadb.js';
import { readState, type LabState } from '../../deploy/lab/state-file.js';

/** The running test lab: its layout and state.json, and ways to reach its hosts. */
export function testLab(): { layout: LabLayout; state: LabState; web001: WebHostLayout; web002: WebHostLayout } {
  const layout = labLayout(inject('labId'), repoRoot, inject('labDir'));
  const state = readState(layout);
  if (!state) throw new Error(`no state file at ${layout.stateFile}: is the test lab up?`);
  return { layout, state, web001: layout.web[0], web002: layout.web[1] };
}

/** One value from a node's database (root over its unix socket). */
export async function sqlValue(host: WebHostLayout, query: string): Promise<string> {
  return (await sql(host, query)).trim();
}

export const uniqueId = (tag: string) => `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Polls until `check` is true; returns the elapsed ms, or throws after timeoutMs. */
export async function msUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
