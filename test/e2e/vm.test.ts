/** The VM page in Chromium, on the mock VM (BERTH_VM=mock relays to the test engine): the real daemon, client and UI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, TEST_DATA_DIR, TEST_SETTINGS_FILE, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const nav = (name: RegExp | string) => ui.page.locator('nav').getByRole('button', { name });

describe('the VM page', () => {
  afterAll(async () => {
    await ui.core.router.handle('vm.stop', {}).catch(() => undefined);
  });

  it('starts the VM with its steps shown, switches Berth to its engine, keeps resources, and stops it', async () => {
    const name = uniq('vm-e2e');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await nav('Berth VM').click();
    const state = ui.page.getByLabel('VM state');
    await ui.page.getByText('Nothing yet: the console of the last boot shows here.').waitFor();
    expect(await state.getAttribute('data-vm-state')).toBe('stopped');

    // The steps last a few hundred ms each: a MutationObserver records every status the page shows
    // (polling for one could miss it on a loaded machine).
    await ui.page.evaluate(() => {
      const seen: string[] = ((window as unknown as { seenStatus: string[] }).seenStatus = []);
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role="status"]')) if (el.textContent && !seen.includes(el.textContent)) seen.push(el.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await ui.page.getByRole('button', { name: 'Start', exact: true }).click();
    await ui.page.locator('[data-vm-state="running"]').waitFor({ timeout: 15_000 });
    const seen = await ui.page.evaluate(() => (window as unknown as { seenStatus: string[] }).seenStatus);
    expect(seen.join('\n')).toMatch(/Booting Linux and connecting over SSH/);
    expect(seen.join('\n')).toMatch(/Waiting for dockerd/);
    await state.getByText(`unix://${join(TEST_DATA_DIR, 'run/docker.sock')}`).waitFor();
    await ui.page
      .getByLabel('VM console')
      .getByText(/mock: Waiting for dockerd/)
      .waitFor(); // the boot's console
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-vm-running.png` });

    // Berth itself on the VM's engine: the containers it holds are listed.
    await state.getByRole('button', { name: 'Use in Berth' }).click();
    await expect.poll(() => ui.page.getByLabel('Engine in use').inputValue()).toBe('berth-vm');
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();

    // Resources: the disk cannot shrink (said in words); a valid change is kept for the next start.
    await nav('Berth VM').click();
    const form = ui.page.getByRole('form', { name: 'VM resources' });
    await form.getByLabel('Disk (GiB)').fill('10');
    await form.getByRole('button', { name: 'Save' }).click();
    await ui.page.getByRole('alert').getByText('The VM disk cannot shrink (it is 64 GiB).').waitFor();
    await form.getByLabel('Disk (GiB)').fill('80');
    await form.getByLabel('CPUs').fill('3');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Saved. CPUs, memory and disk apply at the next start; the auto-pause applies now.').waitFor();
    expect(JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).vm).toMatchObject({ cpus: 3, diskGiB: 80 });

    await ui.page.getByRole('button', { name: 'Stop', exact: true }).click();
    await ui.page.locator('[data-vm-state="stopped"]').waitFor({ state: 'attached', timeout: 15_000 });
    await ui.page.getByText('Engine unreachable', { exact: true }).first().waitFor(); // Berth still on the VM's engine, which is gone

    await ui.page.getByLabel('Engine in use').selectOption('default');
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();
    docker.cli(['rm', name]);
    expect(ui.pageErrors).toEqual([]);
  });
});
