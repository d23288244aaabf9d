/**
 * The keyboard in Chromium: the command palette (Ctrl+K) stops a container, pulls from a real
 * registry, refuses a bad reference in words, prunes a dangling image and jumps to a volume's
 * page; `?` lists the shortcuts; Escape gives the focus back; the container tabs follow the arrows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { startRegistry, type Registry } from '../support/registry';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const hash = () => ui.page.evaluate(() => location.hash);
const palette = () => ui.page.getByRole('dialog', { name: 'Command palette' });
const made: string[][] = [];
let registry: Registry;
let remote: string; // an image only the registry has
beforeAll(async () => {
  registry = await startRegistry();
  remote = `${registry.address}/berth/palette:${uniq('t')}`;
  docker.cli(['tag', TEST_IMAGE, remote]);
  docker.cli(['push', '-q', remote]);
  docker.cli(['rmi', remote]);
});
afterAll(async () => {
  for (const args of made.reverse()) docker.try(args);
  docker.try(['rmi', remote]);
  await registry?.stop();
});

/** Opens the palette, types `what` and waits for the first result to be `first`. */
async function type(what: string, first: string | RegExp) {
  await ui.page.keyboard.press('Control+k');
  await palette().getByRole('combobox', { name: 'Find or type a command' }).fill(what);
  await palette()
    .getByRole('option', { selected: true })
    .getByText(first, { exact: typeof first === 'string' })
    .first()
    .waitFor();
}

describe('the keyboard in Chromium', () => {
  it('stops a container, pulls an image, refuses a bad reference, prunes dangling images, opens a volume page', async () => {
    const name = uniq('e2e-pal');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '300']);
    made.push(['rm', '-f', name]);
    const vol = uniq('e2e-pal-vol');
    docker.cli(['volume', 'create', vol]);
    made.push(['volume', 'rm', vol]);
    const page = ui.page;
    await page.getByRole('button', { name, exact: true }).waitFor();

    const search = page.getByLabel('Search containers');
    await search.focus();
    await type(`stop ${name}`, `Stop ${name}`);
    await page.keyboard.press('Enter');
    await palette().waitFor({ state: 'detached' });
    await expect.poll(() => docker.cli(['inspect', '--format', '{{.State.Status}}', name]).trim(), { timeout: 20_000 }).toBe('exited');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search containers'); // back where it was

    await type(`pull ${remote}`, `Pull ${remote}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => docker.try(['image', 'inspect', remote]).status === 0, { timeout: 30_000 }).toBe(true);
    await page.getByRole('status').filter({ hasText: remote }).first().waitFor();

    await type('pull a//b', 'Pull a//b');
    const bad = palette().getByRole('option', { selected: true });
    expect(await bad.getAttribute('aria-disabled')).toBe('true');
    expect(await bad.textContent()).toMatch(/not an image reference/);
    await page.keyboard.press('Enter'); // nothing to do: the palette stays, saying why
    expect(await palette().count()).toBe(1);
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'detached' });

    const dangling = docker.cli(['commit', name]).trim(); // no tag: a dangling image, this test's own
    made.push(['rmi', dangling]);
    await type('prune dangl', 'Prune dangling images');
    await page.keyboard.press('Enter');
    const cleanup = page.getByRole('dialog', { name: 'Clean up dangling images' });
    await cleanup.getByRole('list', { name: 'Will be removed' }).waitFor();
    await cleanup.getByRole('button', { name: 'Remove' }).click();
    await cleanup.waitFor({ state: 'detached' });
    expect(docker.try(['image', 'inspect', dangling]).status).not.toBe(0); // pruned

    await page.mouse.move(0, 0); // not resting over the list, which would choose what it hovers
    await page.keyboard.press('Control+k');
    const options = palette().getByRole('option');
    await expect.poll(() => options.first().getAttribute('aria-selected')).toBe('true');
    expect(await options.count()).toBeGreaterThan(1); // nothing typed: the pages and actions
    await page.keyboard.press('ArrowUp'); // from the first round to the last: the list wraps
    await expect.poll(() => options.last().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown'); // and back round to the first
    await expect.poll(() => options.first().getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Escape');
    await palette().waitFor({ state: 'detached' });

    await type(vol, vol);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: vol }).waitFor();
    expect(await hash()).toBe(`#/volumes/${vol}`);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });

  it('? lists the shortcuts but not while typing; Tab stays in a dialog, and the focus comes back; the tabs follow the arrows', async () => {
    const name = uniq('e2e-tabs');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '300']);
    made.push(['rm', '-f', name]);
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    const search = page.getByLabel('Search containers');
    await search.fill('');
    await search.press('?'); // typed into the field, not a shortcut
    expect(await search.inputValue()).toBe('?');
    expect(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).count()).toBe(0);
    await search.fill('');

    const images = page.locator('nav').getByRole('button', { name: /^Images/ });
    await images.focus();
    await page.keyboard.press('?');
    const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await list.getByRole('table', { name: 'Shortcuts' }).getByText('Ctrl+K / ⌘K').waitFor();
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab'); // round its one button, never out to the page
    expect(await list.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await images.evaluate((b) => b === document.activeElement)).toBe(true);

    // A form dialog: Tab and Shift+Tab go round its fields and buttons, and Escape gives the focus back to the button that opened it.
    const own = `berth-e2e/focus:${uniq('t')}`; // an image with this one tag, so its row's button is named by it
    docker.cli(['commit', name, own]);
    made.push(['rmi', own]);
    const tag = page.getByRole('button', { name: `Tag ${own}…` });
    await images.click();
    await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toast button[aria-label="Dismiss"]').forEach((b) => b.click())); // the first test's: they would join the dialog
    await tag.focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('dialog', { name: `Tag ${own}` });
    await form.getByLabel('New tag').waitFor();
    expect(await form.evaluate((d) => d.matches('dialog:modal'))).toBe(true); // the platform's modal dialog
    const behind = await page.evaluate(() => {
      const b = document.querySelector<HTMLElement>('nav button')!;
      b.focus(); // the page behind is inert: it takes no focus
      return document.activeElement === b;
    });
    expect(behind).toBe(false);
    const stops = await form.evaluate((d) => [...d.querySelectorAll<HTMLElement>('input, button, select, textarea, [tabindex]')].filter((e) => !e.matches(':disabled') && e.tabIndex >= 0).length);
    const visited: number[] = [];
    for (let i = 0; i < stops * 2 + 1; i++) {
      await page.keyboard.press('Tab');
      const at = await form.evaluate((d) => [...d.querySelectorAll('*')].indexOf(document.activeElement!)); // -1: outside the dialog
      expect(at).toBeGreaterThanOrEqual(0);
      visited.push(at);
    }
    expect(new Set(visited).size).toBe(stops); // each stop, twice round, and never out to the page
    for (let i = 0; i < stops + 1; i++) await page.keyboard.press('Shift+Tab');
    expect(await form.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(await tag.evaluate((b) => b === document.activeElement)).toBe(true);

    await page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByRole('heading', { name }).waitFor();
    const tabs = page.getByRole('tablist', { name: `Container ${name}` });
    await tabs.getByRole('tab', { name: 'Logs' }).focus();
    await page.keyboard.press('ArrowRight');
    await tabs.getByRole('tab', { name: 'Terminal', selected: true }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Terminal');
    await page.keyboard.press('End');
    await tabs.getByRole('tab', { name: 'Inspect', selected: true }).waitFor();
    expect(await hash()).toMatch(/\/inspect$/);
    await page.keyboard.press('Home');
    await tabs.getByRole('tab', { name: 'Logs', selected: true }).waitFor();
    await page.keyboard.press('ArrowLeft'); // round to the last
    await tabs.getByRole('tab', { name: 'Inspect', selected: true }).waitFor();
    expect(await page.getByRole('tabpanel', { name: 'Inspect' }).count()).toBe(1);
    expect(await tabs.getByRole('tab').evaluateAll((t) => t.map((b) => b.getAttribute('tabindex')).filter((x) => x === '0').length)).toBe(1);
    expect(ui.pageErrors).toEqual([]);
  });
});
