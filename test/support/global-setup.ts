/** One private dockerd + test image for the whole integration/e2e run. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { PrivateDockerd } from './dockerd';
import { buildTestImages } from './test-image';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerdDir: string;
  }
}

export default async function setup(project: TestProject) {
  PrivateDockerd.assertAvailable();
  // Short path: the engine's unix sockets live under it.
  const engine = new PrivateDockerd(mkdtempSync(join('/tmp', 'berth-e-')));
  await engine.start();
  buildTestImages(engine);
  project.provide('dockerdDir', engine.dir);
  return async () => {
    await engine.stop();
    engine.remove();
  };
}
