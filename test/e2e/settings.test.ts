/** Settings in Chromium: add an engine, switch to it from the sidebar (every view follows) and back; preferences kept. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { readFileSync } from 'node:fs';
import { engine, TEST_SETTINGS_FILE, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const nav = (name: RegExp | string) => ui.page.locator('nav').getByRole('button', { name });

describe('engines in Chromium', () => {
  it('adds an engine, switches every view to it and back', async () => {
    const name = uniq('ctx-e2e');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await nav('Settings').click();
    await ui.page.getByLabel('Engine name').fill('nowhere');
    await ui.page.getByLabel('Engine address').fill('http://not-an-engine');
    await ui.page.getByRole('button', { name: 'Add engine' }).click();
    await ui.page.getByRole('alert').getByText(/Unsupported engine address/).waitFor();
    await ui.page.getByLabel('Engine address').fill('unix:///tmp/berth-no-engine-here.sock');
    await ui.page.getByRole('button', { name: 'Add engine' }).click();
    await ui.page.getByRole('table', { name: 'Engines' }).getByText('unix:///tmp/berth-no-engine-here.sock').waitFor();

    await ui.page.getByLabel('Engine in use').selectOption('nowhere');
    await ui.page.getByText('Engine unreachable', { exact: true }).first().waitFor();
    await ui.page.getByText(/at unix:\/\/\/tmp\/berth-no-engine-here\.sock/).waitFor();
    await nav(/^Containers/).click();
    expect(await ui.page.getByRole('button', { name, exact: true }).count()).toBe(0); // the old engine's list is gone
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-context-switched.png` });

    await nav('Settings').click();
    await ui.page.getByRole('row', { name: /default/ }).getByRole('button', { name: 'Use' }).click();
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();
    expect(await ui.page.getByLabel('Engine in use').inputValue()).toBe('default');
    expect(ui.pageErrors).toEqual([]);
  });

  it('keeps preferences in the settings file, across a reload', async () => {
    await nav('Settings').click();
    await ui.page.getByLabel('Start Berth at login').check();
    await ui.page.getByLabel('Theme setting').selectOption('dark');
    const vm = ui.page.getByRole('form', { name: 'VM resources' }); // the same form as on the VM page
    await vm.getByLabel('Memory (MiB)').fill('3072');
    await vm.getByRole('button', { name: 'Save' }).click();
    await vm.getByText('Saved: applied at the next start.').waitFor();
    expect(JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).vm.memoryMiB).toBe(3072);
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences, { timeout: 5000 }).toEqual({ startAtLogin: true, quitStopsVm: true, theme: 'dark' });
    await ui.page.evaluate(() => localStorage.clear()); // the file, not the browser cache, is what is kept
    await ui.page.reload();
    await nav('Settings').click();
    await expect.poll(() => ui.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await ui.page.getByLabel('Start Berth at login').isChecked()).toBe(true);
  });
});
