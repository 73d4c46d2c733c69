import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url));

// Tests import workspace packages from source, so `vitest` needs no build.
const alias = {
  '@whmcs-ha/shared': src('shared'),
  '@whmcs-ha/agent': src('agent'),
  '@whmcs-ha/coordinator': src('coordinator'),
  '@whmcs-ha/hactl': src('hactl'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          // one lab for the whole run: up once, tests in sequence, down at the end
          globalSetup: ['test/lab/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
