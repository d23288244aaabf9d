/**
 * The banner when nothing names an engine (the Berth VM is the engine) and the VM is stopped: its
 * fixes clicked in Chromium. Switch to another engine that answers; start the VM from the banner
 * and watch its boot; every view follows. The VM is the mock one, relaying to the test engine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
let retries = 0; // what the page asked of Berth when Retry was clicked
const ui = openDashboard(
  { width: 1280, height: 900 },
  { vmEngine: { bootMs: 3000 }, router: (r) => ({ handle: (m, a) => (m === 'engine.retry' && retries++, r.handle(m, a)), openStream: (n, a, w) => r.openStream(n, a, w) }) },
);
const banner = () => ui.page.getByRole('alert').filter({ hasText: 'The Berth VM is stopped' });

describe('the engine banner', () => {
  const name = uniq('banner');
  afterAll(async () => {
    await ui.core.router.handle('vm.stop', {});
    docker.cli(['rm', '-f', name]);
  });

  it('offers the engines that answer, and switching to one fills every view', async () => {
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    expect(await ui.core.router.handle('contexts.add', { name: 'local', host: docker.dockerHost })).toMatchObject({ ok: true });
    expect(await ui.core.router.handle('contexts.add', { name: 'nowhere', host: 'unix:///tmp/berth-no-such-engine.sock' })).toMatchObject({ ok: true });
    expect(await ui.core.router.handle('contexts.add', { name: 'remote', host: 'ssh://me@127.0.0.1:1' })).toMatchObject({ ok: true });
    await ui.page.reload();
    await banner().waitFor();
    await ui.page.getByText('Nothing to show until the engine answers: the banner above says why, with the fixes.').waitFor();
    await banner().getByRole('button', { name: 'Switch to local' }).waitFor();
    expect(await banner().getByRole('button', { name: 'Switch to nowhere' }).count()).toBe(0); // it does not answer
    await banner().getByRole('button', { name: 'Switch to remote (not checked)' }).waitFor(); // ssh:// engines are not pinged
    await banner().getByRole('button', { name: 'Retry' }).click(); // the VM is still stopped: the same fixes
    await banner().getByRole('button', { name: 'Retry' }).and(ui.page.locator(':enabled')).waitFor();
    expect(retries).toBe(1);

    // No dead end: the other pages say what they wait for too.
    await ui.page.locator('nav').getByRole('button', { name: 'Disk usage' }).click();
    expect(await ui.page.getByText('Shown once the engine answers: the banner above says why.').count()).toBe(4);
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();

    await banner().getByRole('button', { name: 'Switch to local' }).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();
    await expect.poll(() => ui.page.getByLabel('Engine in use').inputValue()).toBe('local');
    expect(await ui.page.getByRole('alert').count()).toBe(0);
  });

  it('starts the VM from the banner, shows its boot, and every view follows its engine', async () => {
    await ui.page.getByLabel('Engine in use').selectOption('berth-vm');
    await banner().getByRole('button', { name: 'Start the Berth VM' }).click();
    const boot = ui.page.getByRole('status', { name: 'VM boot' });
    await boot.getByText(/Starting the Berth VM: (Starting the mock VM|Booting Linux and connecting over SSH|Waiting for dockerd)…/).waitFor();
    expect(await boot.getByRole('progressbar', { name: 'Boot progress' }).count()).toBe(1);
    await ui.page.getByText('The Berth VM is starting: this list fills in as soon as its engine answers.').waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-vm-boot-banner.png` });
    await ui.page.getByRole('button', { name, exact: true }).waitFor({ timeout: 20_000 }); // the VM's engine answered
    expect(await boot.count()).toBe(0);
    expect(await ui.page.getByRole('alert').count()).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
