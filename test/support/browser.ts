/** Debian's Chromium driven by playwright-core (no browser download); flags as this machine needs. */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { connectedCore } from './engine';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-results';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (.ci/run does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

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
