/**
 * Routing in Chromium: every view and container tab has a URL; back and forward walk them; a
 * reload stays on a detail tab; a hostile or stale link opens the nearest place, in words; and
 * `berth open` prints (or hands a running Berth) the URL of the place it names.
 */
import { describe, expect, it } from 'vitest';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { CLI, printed, runNode, URL_LINE } from '../support/node-process';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard();
const hash = () => ui.page.evaluate(() => location.hash);
const selectedTab = () => ui.page.getByRole('tab', { selected: true }).textContent();

describe('routing in Chromium', () => {
  it('gives views and tabs a URL, walks back and forward, and keeps a detail tab over a reload', async () => {
    const name = uniq('e2e-route');
    const id = docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo routed; exec sleep 600']).trim();
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Images/ })
      .click();
    expect(await hash()).toBe('#/images');
    await page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    expect(await hash()).toBe('#/containers');
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByRole('heading', { name }).waitFor();
    expect(await hash()).toBe(`#/containers/${id}`);
    await page.getByRole('tab', { name: 'Inspect' }).click();
    expect(await hash()).toBe(`#/containers/${id}/inspect`);
    await page.getByLabel('Summary').waitFor();

    await page.reload();
    await page.getByRole('heading', { name }).waitFor();
    expect(await selectedTab()).toBe('Inspect');
    await page.getByLabel('Summary').waitFor();

    await page.goBack();
    await page.getByRole('log').getByText('routed').waitFor(); // the Logs tab again
    expect(await selectedTab()).toBe('Logs');
    await page.goBack();
    await page.getByLabel('Search containers').waitFor();
    await page.goBack();
    await page.getByLabel('Search images').waitFor();
    await page.goForward();
    await page.goForward();
    await page.getByRole('heading', { name }).waitFor();
    expect(await hash()).toBe(`#/containers/${id}`);

    // A link typed by hand: by name, to a tab.
    await page.goto(`${new URL(page.url()).origin}/#/containers/${name}/stats`);
    await page.getByRole('heading', { name }).waitFor();
    expect(await selectedTab()).toBe('Stats');
    expect(ui.pageErrors).toEqual([]);
  });

  it('opens what it can of a hostile or stale link, and says so', async () => {
    const page = ui.page;
    const origin = new URL(page.url()).origin;
    for (const bad of ['#/containers/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', '#/compose/%E0%A4%A', '#/__proto__/x', `#/${'x'.repeat(5000)}`]) {
      await page.goto(`${origin}/${bad}`);
      await page.getByLabel('Search containers').waitFor();
      expect(await hash()).toBe('#/containers'); // shown as the place it opened
    }
    await page.goto(`${origin}/#/volumes/and/more`);
    await page.getByLabel('Search volumes').waitFor();
    expect(await hash()).toBe('#/volumes');

    await page.goto(`${origin}/#/containers/${uniq('never-made')}/files`);
    await page
      .getByRole('status')
      .filter({ hasText: /^No container never-made-.* on this engine\./ })
      .waitFor();
    expect(await page.getByRole('tab').count()).toBe(0); // nothing to show tabs of
    await page.getByRole('button', { name: 'Back to containers' }).first().click();
    expect(await hash()).toBe('#/containers');
    expect(ui.pageErrors).toEqual([]);
  });

  it('`berth open` serves at the place, or hands the place to the Berth already running', async () => {
    const name = uniq('e2e-open');
    const id = docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']).trim();
    const env = { BERTH_HOME: tempDir('open'), BERTH_DOCKER_HOST: docker.dockerHost, BERTH_BROWSER_MODE: '1' };

    const typo = runNode([CLI, 'open', 'berth://contaners'], env);
    expect(await typo.exited).toBe(2); // a usage error
    expect(typo.out).toMatch(/berth: berth:\/\/contaners names no place in Berth\.\nGive berth:\/\/<place> or #\/<place>, where a place is one of containers, images/);

    const first = runNode([CLI, 'open', `berth://containers/${id}/inspect`], env);
    const [, url] = await printed(first, URL_LINE);
    expect(url).toMatch(new RegExp(`/\\?token=[\\w-]+#/containers/${id}/inspect$`));
    const second = runNode([CLI, 'open', `#/containers/${name}/terminal`], env);
    expect(await second.exited).toBe(0);
    const [, handed] = second.out.match(URL_LINE)!;
    expect(handed).toBe(url!.replace(/#.*$/, `#/containers/${name}/terminal`));

    const page = await ui.page.context().browser()!.newPage(); // a fresh tab: no token kept from the first
    await page.goto(handed!);
    await page.getByRole('heading', { name }).waitFor();
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Terminal');
    expect(await page.evaluate(() => location.search)).toBe(''); // the token left the address bar, the place stayed
    await page.close();
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
