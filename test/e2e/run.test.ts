/** The Run dialog in Chromium: fill it in, see the docker run line, run, and see refusals explained. */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { ARTIFACTS, launchChromium } from '../support/browser';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  server = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: 'dist/renderer' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Run dialog in Chromium', () => {
  it('runs a container with a port and an env variable, showing the equivalent command', async () => {
    const name = uniq('e2e-run');
    const port = await freePort();
    await page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Command', { exact: true }).fill('httpd -f -p 8080');
    await dialog.getByRole('button', { name: '+ Port' }).click();
    await dialog.getByLabel('Port 1 host port').fill(String(port));
    await dialog.getByLabel('Port 1 container port').fill('8080');
    await dialog.getByRole('button', { name: '+ Variable' }).click();
    await dialog.getByLabel('Variable 1 name').fill('GREETING');
    await dialog.getByLabel('Variable 1 value').fill('hello world');
    expect(await dialog.getByLabel('Equivalent command').textContent()).toBe(
      `docker run -d --name ${name} -p 127.0.0.1:${port}:8080 -e 'GREETING=hello world' ${TEST_IMAGE} httpd -f -p 8080`,
    );
    await page.screenshot({ path: `${ARTIFACTS}/e2e-run-dialog.png` });
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: `Started ${name}` }).waitFor();
    await page.locator('tbody tr', { hasText: name }).locator('.badge', { hasText: 'running' }).waitFor();
    expect(docker.cli(['inspect', '-f', '{{json .Config.Env}}', name])).toContain('GREETING=hello world');
    const status = await waitFor(() => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status, () => undefined), 10_000, 'the published port');
    expect(status).toBe(404); // busybox httpd answering with no files to serve
  });

  it('explains bad input before sending anything, and a refused run keeps the form', async () => {
    const taken = uniq('e2e-taken');
    docker.cli(['create', '--name', taken, TEST_IMAGE]);
    const before = docker.cli(['ps', '-aq']).split('\n').length;
    await page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Memory', { exact: true }).fill('a lot');
    expect(await dialog.getByLabel('Equivalent command').textContent()).toMatch(/not a size such as 512m/);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: /not a size/ }).waitFor();

    await dialog.getByLabel('Memory', { exact: true }).fill('');
    await dialog.getByLabel('Name', { exact: true }).fill(taken);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: /already in use/ }).waitFor();
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe(taken); // nothing the user typed is lost
    expect(await dialog.getByLabel('Image', { exact: true }).inputValue()).toBe(TEST_IMAGE);
    expect(docker.cli(['ps', '-aq']).split('\n').length).toBe(before);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('opens prefilled from an image', async () => {
    await page.locator('nav').getByRole('button', { name: /^Images/ }).click();
    await page.locator('tbody tr', { hasText: TEST_IMAGE }).getByRole('button', { name: 'Run…' }).click();
    expect(await page.getByRole('dialog').getByLabel('Image', { exact: true }).inputValue()).toBe(TEST_IMAGE);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
