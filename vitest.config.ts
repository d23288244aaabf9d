import { defineConfig } from 'vitest/config';

// unit: next to the source, no engine. system: integration, e2e and adversarial against one private dockerd
// (test/support/global-setup.ts); files run one at a time because they share it. `npm test` runs the
// system project in two halves, each with a dockerd and a network namespace of its own, and the vm
// project, side by side where the machine has the cores (build/test-all.mjs): the time-outs leave room.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['electron/**/*.test.ts', 'vm-assets/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'build/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'system',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/adversarial/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // vm: real QEMU boots (npm run test:vm; in npm test, beside the system project).
      { test: { name: 'vm', include: ['test/vm/**/*.test.ts'], fileParallelism: false, testTimeout: 600_000, hookTimeout: 120_000 } },
    ],
  },
});
