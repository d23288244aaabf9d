import { defineConfig } from 'vitest/config';

// unit: next to the source, no engine. system: integration, e2e and adversarial against one private dockerd
// (test/support/global-setup.ts); files run one at a time because they share it.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['electron/**/*.test.ts', 'vm-assets/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'build/**/*.test.ts'] } },
      {
        test: {
          name: 'system',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/adversarial/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      // vm: real QEMU boots (npm run test:vm, after the rest: a VM under TCG takes the CPUs).
      { test: { name: 'vm', include: ['test/vm/**/*.test.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 120_000 } },
    ],
  },
});
