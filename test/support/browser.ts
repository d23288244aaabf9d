/** The dashboard in Chromium for an e2e test file. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import type { Router } from '../../electron/main/api/router';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { connectedCore } from './engine';

export interface DashboardOptions {
  /** Wraps the core's router (to watch or interfere with what the page asks for). */
  router?: (r: Router) => Router;
  /** Nothing names an engine: Berth's engine is its (mock) VM, stopped at first, booting in this many ms. */
  vmEngine?: { bootMs: number };
}

/**
 * For an e2e file: browser mode (a core on the shared engine + the server) and Chromium with
 * the dashboard open at the printed URL (the page keeps the token; no cookie), before its tests;
 * all closed after. `pageErrors` collects uncaught errors.
 */
export function openDashboard(viewport = { width: 1280, height: 800 }, opts: DashboardOptions = {}) {
  const t = connectedCore(opts.vmEngine ? { vmEngine: opts.vmEngine } : {});
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  const serve = (port?: number, token?: string) => startServer({ router: opts.router ? opts.router(t.core.router) : t.core.router, hub: t.core.hub, staticDir: 'dist/renderer', port, token });
  beforeAll(async () => {
    if (!existsSync('dist/renderer/index.html')) throw new Error('renderer build missing: run `npm run build` (npm test does)');
    server = await serve();
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
    get server(): RunningServer {
      if (!server) throw new Error('server used outside a test');
      return server;
    },
    /** Drops the page's connection as a restart of Berth would: the server closes, and comes back on the same port and token. */
    async dropConnection(): Promise<void> {
      const { port, token } = this.server;
      await server!.close();
      server = await serve(port, token);
    },
    pageErrors,
  };
}

export { ARTIFACTS, CHROMIUM, launchChromium } from './chromium';
