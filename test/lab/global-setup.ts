import type { TestProject } from 'vitest/node';
import { labCli } from './lab-cli.js';

/** The test suite's own lab id, so it never touches a user's lab (id 1) or an engineer's. */
export const TEST_LAB_ID = 9;

declare module 'vitest' {
  export interface ProvidedContext {
    labId: number;
    labUpMs: number;
  }
}

/** One lab for the whole `lab` project: up once (timed), tests in sequence, down at the end (timed). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // a lab left by an interrupted run would make `up` report "already running": start clean
  await labCli(TEST_LAB_ID, ['down']);
  const up = await labCli(TEST_LAB_ID, ['up']);
  if (up.code !== 0) {
    throw new Error(`lab up (id ${TEST_LAB_ID}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  }
  console.log(`[lab] lab up (id ${TEST_LAB_ID}) took ${up.ms} ms\n${up.stdout}`);
  project.provide('labId', TEST_LAB_ID);
  project.provide('labUpMs', up.ms);
  return async () => {
    const down = await labCli(TEST_LAB_ID, ['down']);
    console.log(`[lab] lab down (id ${TEST_LAB_ID}) took ${down.ms} ms (exit ${down.code})`);
    if (down.code !== 0) throw new Error(`lab down failed:\n${down.stdout}\n${down.stderr}`);
  };
}
