import { defineConfig } from 'vitest/config';

// unit: next to the source, no engine. integration + e2e: one private dockerd for the whole run
// (test/support/global-setup.ts), files run one at a time because they share it.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
