import { describe, expect, it } from 'vitest';
import { labIdFromEnv } from '../../deploy/lab/layout.js';
import { preflight, PreflightError } from '../../deploy/lab/preflight.js';
import { labCli } from './lab-cli.js';

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

  it('without root it says exactly what to do', async () => {
    const err = await preflight(() => {}, 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    expect((err as Error).message).toMatch(/needs root/);
    expect((err as Error).message).toMatch(/sudo pnpm lab up/);
  });
});
