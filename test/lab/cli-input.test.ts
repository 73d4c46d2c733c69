import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAIM_DIR, claimStatus } from '../../deploy/lab/lab-claim.js';
import { labIdFromEnv, labLayout } from '../../deploy/lab/layout.js';
import { networkExists } from '../../deploy/lab/netns.js';
import { preflight, PreflightError } from '../../deploy/lab/preflight.js';
import { labCli, pickLabId } from './lab-cli.js';

describe('lab: bad input and missing prerequisites', () => {
  it('a bad WHA_LAB_ID is an input error naming the variable (exit 2)', async () => {
    expect(() => labIdFromEnv({ WHA_LAB_ID: '300' })).toThrow(/WHA_LAB_ID: must be a whole number from 1 to 254/);
    expect(() => labIdFromEnv({ WHA_LAB_ID: '1; rm' })).toThrow(/WHA_LAB_ID/);
    expect(labIdFromEnv({})).toBe(1);
    const r = await labCli(1, ['status'], { WHA_LAB_ID: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/WHA_LAB_ID/);
  });

  it('an unknown command prints the usage (exit 2)', async () => {
    const r = await labCli(9, ['upp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: pnpm lab up\|status\|down/);
  });

  it('a lab id held by another checkout is left alone by up and down', async () => {
    const id = await pickLabId(200, '/nonexistent');
    const other = mkdtempSync(join(tmpdir(), 'wha-other-checkout-'));
    mkdirSync(CLAIM_DIR, { recursive: true });
    const claimPath = join(CLAIM_DIR, `${id}.json`);
    writeFileSync(join(other, 'state.json'), '{}');
    writeFileSync(claimPath, JSON.stringify({ dir: other }));
    try {
      expect(claimStatus(labLayout(id))).toEqual({ kind: 'other', dir: other });
      for (const cmd of ['up', 'down']) {
        const r = await labCli(id, [cmd]);
        expect(r.code, cmd).toBe(1);
        expect(r.stderr, cmd).toContain(`lab id ${id} belongs to the lab in ${other}`);
      }
      expect(await networkExists(labLayout(id))).toBe(false);
      expect(JSON.parse(readFileSync(claimPath, 'utf8'))).toEqual({ dir: other });
    } finally {
      rmSync(claimPath, { force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('without root it says exactly what to do', async () => {
    const err = await preflight(() => {}, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as Error).message).toMatch(/needs root/);
    expect((err as Error).message).toMatch(/sudo pnpm lab up/);
  });
});
