/** The dashboard in Chromium for an e2e test file. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { connectedCore } from './engine';

/**
 * For an e2e file: browser mode (a core on the shared engine + the server) and Chromium with
 * the dashboard open, before its tests; all closed after. `pageErrors` collects uncaught errors.
 */
export function openDashboard(viewport = { width: 1280, height: 800 }) {
  const t = connectedCore();
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    if (!existsSync('dist/renderer/index.html')) throw new Error('renderer build missing: run `npm run build` (npm test does)');
    server = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: 'dist/renderer' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get page(): Page {
      if (!page) throw new Error('page used outside a test');
      return page;
    },
    get core() {
      return t.core;
    },
    pageErrors,
  };
}

export { ARTIFACTS, CHROMIUM, launchChromium } from './chromium';
