import type { TestProject } from 'vitest/node';
import { claimStatus } from '../../deploy/lab/lab-claim.js';
import { labLayout } from '../../deploy/lab/layout.js';
import { labCli, upOnFreeId } from './lab-cli.js';

/**
 * The suite's lab starts its search for a free id at 9, so it never touches a user's lab (id 1); another
 * checkout running the suite at the same time gets the next free id.
 */
export const FIRST_TEST_LAB_ID = 9;

declare module 'vitest' {
  export interface ProvidedContext {
    labId: number;
    labUpMs: number;
  }
}

/** One lab for the whole `lab` project: up once (timed), tests in sequence, down at the end (timed). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // a lab left by an interrupted run of this checkout would make `up` say "already running": start clean
  for (let id = FIRST_TEST_LAB_ID; id < FIRST_TEST_LAB_ID + 3; id++) {
    if (claimStatus(labLayout(id)).kind === 'ours') await labCli(id, ['down']);
  }
  const { id, up } = await upOnFreeId(FIRST_TEST_LAB_ID);
  if (up.code !== 0) {
    throw new Error(`lab up (id ${id}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  }
  console.log(`[lab] lab up (id ${id}) took ${up.ms} ms\n${up.stdout}`);
  project.provide('labId', id);
  project.provide('labUpMs', up.ms);
  return async () => {
    const down = await labCli(id, ['down']);
    console.log(`[lab] lab down (id ${id}) took ${down.ms} ms (exit ${down.code})`);
    if (down.code !== 0) throw new Error(`lab down failed:\n${down.stdout}\n${down.stderr}`);
  };
}
