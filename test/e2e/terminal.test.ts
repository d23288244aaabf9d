/** Exec terminals in Chromium: type a command, see its output, resize, switch away and back. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { ARTIFACTS, launchChromium } from '../support/browser';
import { connectedCore, engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const poll = (fn: () => Promise<unknown>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });
const screen = () => page.locator('.xterm-rows').innerText();
/** What `stty size` last printed (rows, cols), if it is on screen. */
const size = async () => {
  const all = [...(await screen()).matchAll(/(?:^|\n)(\d+) (\d+)\n/g)].at(-1);
  return all ? [Number(all[1]), Number(all[2])] : undefined;
};

beforeAll(async () => {
  server = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: 'dist/renderer' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openTerminal(name: string): Promise<void> {
  await page.locator('nav').getByRole('button', { name: /^Containers/ }).click();
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await page.locator('.xterm-rows').waitFor();
}

describe('exec terminal in Chromium', () => {
  it('runs what is typed, follows the window size, and keeps the screen across tab switches', async () => {
    const name = uniq('e2e-term');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    await openTerminal(name);
    await page.locator('.xterm').click();
    await page.keyboard.type('echo "hi-$((40+2))"');
    await page.keyboard.press('Enter');
    await poll(screen).toContain('hi-42');

    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    await poll(size).toBeDefined();
    const [rows1, cols1] = (await size())!;
    await page.setViewportSize({ width: 900, height: 600 });
    await page.waitForTimeout(300);
    await page.keyboard.type('clear; stty size');
    await page.keyboard.press('Enter');
    await poll(async () => (await size()) ?? [rows1, cols1]).not.toEqual([rows1, cols1]);
    const [rows2, cols2] = (await size())!;
    expect(cols2).toBeLessThan(cols1!);
    expect(rows2).toBeLessThan(rows1!);
    await page.screenshot({ path: `${ARTIFACTS}/e2e-terminal.png` });

    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await poll(size).toEqual([rows2, cols2]); // replayed: the same session, screen restored
    await page.locator('.xterm').click();
    await page.keyboard.type('echo still-$((1+1))');
    await page.keyboard.press('Enter');
    await poll(screen).toContain('still-2');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('keeps terminals of two containers apart, and says when the shell has exited', async () => {
    const a = uniq('e2e-ta');
    const b = uniq('e2e-tb');
    for (const n of [a, b]) docker.cli(['run', '-d', '--name', n, '--hostname', n.replace(/[^a-z0-9-]/g, ''), TEST_IMAGE, 'sleep', '600']);
    await openTerminal(a);
    await page.locator('.xterm').click();
    await page.keyboard.type('hostname');
    await page.keyboard.press('Enter');
    await poll(screen).toContain(a);
    await openTerminal(b);
    expect(await screen()).not.toContain(a);
    await page.locator('.xterm').click();
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    await page.getByText('The shell exited.').waitFor();
    await page.getByRole('button', { name: 'New session' }).click();
    await page.locator('.xterm').click();
    await page.keyboard.type('hostname');
    await page.keyboard.press('Enter');
    await poll(screen).toContain(b);
    await openTerminal(a);
    await poll(screen).toContain(a); // a's session was still there
  });

  it('the host terminal runs the docker CLI against the same engine', async () => {
    const name = uniq('e2e-hostcli');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await page.locator('nav').getByRole('button', { name: 'Terminal' }).click();
    await page.locator('.xterm-rows').waitFor();
    await page.locator('.xterm').click();
    await page.keyboard.type("docker ps -a --format 'name={{.Names}}'");
    await page.keyboard.press('Enter');
    await poll(screen).toContain(`name=${name}`);
    await page.keyboard.type('echo "engine=$DOCKER_HOST"');
    await page.keyboard.press('Enter');
    await poll(screen).toContain(`engine=${docker.dockerHost}`);
    await page.screenshot({ path: `${ARTIFACTS}/e2e-host-terminal.png` });
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
