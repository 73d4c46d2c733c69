import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { abandonedTestLabs, labCli, testLabDir, upOnFreeId } from './lab-cli.js';

/** The suite's lab looks for a free id from 9 on, so it never touches a user's lab (id 1). */
export const FIRST_TEST_LAB_ID = 9;

declare module 'vitest' {
  export interface ProvidedContext {
    labId: number;
    labDir: string;
    labUpMs: number;
  }
}

/** One lab for the whole `lab` project: up once (timed), tests in sequence, down at the end (timed). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // labs left running by an interrupted run of this checkout
  for (const old of abandonedTestLabs()) {
    await labCli(old, ['down']);
    rmSync(old.dir, { recursive: true, force: true });
  }
  const { layout, up } = await upOnFreeId(FIRST_TEST_LAB_ID, testLabDir());
  if (up.code !== 0) {
    throw new Error(`lab up (id ${layout.id}) failed with exit ${up.code}:\n${up.stdout}\n${up.stderr}`);
  }
  console.log(`[lab] lab up (id ${layout.id}) took ${up.ms} ms\n${up.stdout}`);
  project.provide('labId', layout.id);
  project.provide('labDir', layout.dir);
  project.provide('labUpMs', up.ms);
  return async () => {
    const down = await labCli(layout, ['down']);
    console.log(`[lab] lab down (id ${layout.id}) took ${down.ms} ms (exit ${down.code})`);
    if (down.code !== 0) throw new Error(`lab down failed:\n${down.stdout}\n${down.stderr}`);
    rmSync(layout.dir, { recursive: true, force: true });
  };
}
