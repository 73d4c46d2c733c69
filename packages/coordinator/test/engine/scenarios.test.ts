import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDataDriven } from './datadriven.js';
import { EngineHarness } from './engine-harness.js';

const dir = join(import.meta.dirname, 'testdata');

describe('decide() scenarios (testdata/*.txt; UPDATE_SCENARIOS=1 rewrites)', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    it(f, () => {
      const h = new EngineHarness();
      const mismatches = runDataDriven(join(dir, f), (cmds) => h.run(cmds));
      expect(mismatches, mismatches.join('\n\n')).toEqual([]);
    });
  }
});
