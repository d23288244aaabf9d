/**
 * The real UI in Debian's Chromium against browser mode and the private dockerd: click through
 * each view, run actions, see the lists change (also for changes made with the docker CLI), see
 * errors explained, and save screenshots under test-results/.
 */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 760 });
const pageErrors = ui.pageErrors;

const row = (text: string) => ui.page.locator('tbody tr', { hasText: text });
const nav = (label: string) => ui.page.locator('nav').getByRole('button', { name: new RegExp(`^${label}`) });
const shot = (name: string) => ui.page.screenshot({ path: `${ARTIFACTS}/e2e-${name}.png` });
const poll = (fn: () => Promise<unknown>, timeout = 5000) => expect.poll(fn, { timeout, interval: 50 });

describe('dashboard in Chromium', () => {
  it('lists containers and follows actions and CLI changes live', async () => {
    const name = uniq('e2e-web');
    docker.cli(['run', '-d', '--name', name, '--stop-timeout', '1', '-p', '127.0.0.1::80', TEST_IMAGE, 'httpd', '-f', '-p', '80']);
    await row(name).waitFor();
    await poll(() => row(name).locator('.badge').textContent()).toBe('running');
    await shot('containers');

    await row(name).getByRole('button', { name: 'Stop' }).click();
    await poll(() => row(name).locator('.badge').textContent(), 15_000).toBe('exited');
    expect(docker.cli(['inspect', '-f', '{{.State.Status}}', name])).toBe('exited');
    await ui.page.getByRole('status').filter({ hasText: 'Stopped 1 container' }).waitFor();

    docker.cli(['start', name]); // a change made outside Berth
    await poll(() => row(name).locator('.badge').textContent()).toBe('running');

    // search and filter
    await ui.page.getByLabel('Search containers').fill(name);
    await poll(() => ui.page.locator('tbody tr').count()).toBe(1);
    await ui.page.getByRole('button', { name: 'Stopped', exact: true }).click();
    await poll(() => ui.page.locator('tbody tr').count()).toBe(0);
    await ui.page.getByRole('button', { name: 'All', exact: true }).click();
    await ui.page.getByLabel('Search containers').fill('');
  });

  it('explains a refused removal and keeps the container; bulk-removes with force', async () => {
    const a = uniq('e2e-bulk');
    const b = uniq('e2e-bulk');
    for (const n of [a, b]) docker.cli(['run', '-d', '--name', n, TEST_IMAGE, 'sleep', '600']);
    await row(b).waitFor();

    await row(a).getByRole('button', { name: 'Remove' }).click();
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await ui.page
      .getByRole('alert')
      .filter({ hasText: /running container/i })
      .first()
      .waitFor();
    expect(docker.cli(['inspect', '-f', '{{.State.Status}}', a])).toBe('running');

    await row(a).getByRole('checkbox').check();
    await row(b).getByRole('checkbox').check();
    await ui.page.getByLabel('Selected containers').getByRole('button', { name: 'Remove' }).click();
    const dialog = ui.page.getByRole('dialog');
    await dialog.getByRole('checkbox').check(); // force
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await poll(() => row(a).count()).toBe(0);
    await poll(() => row(b).count()).toBe(0);
    expect(docker.try(['inspect', a]).status).not.toBe(0);
  });

  it('groups compose projects in the list, folds one, and acts on the whole project', async () => {
    const project = uniq('shop');
    const names = [uniq('shop-web'), uniq('shop-db')];
    for (const n of names) docker.cli(['run', '-d', '--name', n, '--stop-timeout', '1', '--label', `com.docker.compose.project=${project}`, TEST_IMAGE, 'sleep', '600']);
    const card = ui.page.getByLabel(`Project ${project}`);
    await poll(() => card.textContent()).toContain('2/2 running');
    await card.getByRole('button', { name: 'Stop' }).click();
    await poll(() => card.textContent(), 15_000).toContain('0/2 running');
    for (const n of names) expect(docker.cli(['inspect', '-f', '{{.State.Status}}', n])).toBe('exited');
    await card.getByRole('button', { name: project, exact: true }).click();
    await poll(() => ui.page.locator('tbody tr.in-group').count()).toBe(2); // only the project: its line and its two services
    expect(await ui.page.locator('tbody tr').count()).toBe(3);
    await card.getByRole('button', { name: `Hide the services of ${project}` }).click();
    await poll(() => ui.page.locator('tbody tr.in-group').count()).toBe(0); // folded: the line stays, with its actions
    expect(await card.textContent()).toContain('0/2 running');
    await ui.page.getByRole('checkbox', { name: 'Select all' }).click(); // takes no folded service
    expect(await ui.page.getByLabel('Selected containers').count()).toBe(0);
    await card.getByRole('button', { name: `Show the services of ${project}` }).click();
    await poll(() => ui.page.locator('tbody tr.in-group').count()).toBe(2);
    // Searched down to one service, the line still counts and starts the whole project.
    await ui.page.getByLabel('Search containers').fill(names[0]!);
    await poll(() => ui.page.locator('tbody tr.in-group').count()).toBe(1);
    expect(await card.textContent()).toContain('0/2 running');
    await card.getByRole('button', { name: `Start ${project}`, exact: true }).click();
    await poll(() => card.textContent(), 15_000).toContain('2/2 running');
    for (const n of names) expect(docker.cli(['inspect', '-f', '{{.State.Status}}', n])).toBe('running');
    await ui.page.getByLabel('Search containers').fill('');
    docker.try(['rm', '-f', ...names]);
  });

  it('creates a volume from the dialog, rejecting a bad name first, and refuses removing one in use', async () => {
    await nav('Volumes').click();
    await ui.page.getByRole('button', { name: 'Create volume' }).click();
    const dialog = ui.page.getByRole('dialog');
    await dialog.getByLabel(/Name/).fill('bad name!');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /must start with a letter or digit/ })
      .waitFor();
    await shot('volume-invalid');

    const vol = uniq('e2e-vol');
    await dialog.getByLabel(/Name/).fill(vol); // the dialog kept the user's input open for fixing
    await dialog.getByRole('button', { name: 'Create' }).click();
    await row(vol).waitFor();
    expect(docker.cli(['volume', 'ls', '-q'])).toContain(vol);

    docker.cli(['create', '--name', uniq('e2e-holder'), '-v', `${vol}:/data`, TEST_IMAGE]);
    await poll(() => row(vol).textContent()).toContain('e2e-holder');
    await row(vol).getByRole('button', { name: 'Remove' }).click();
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await ui.page
      .getByRole('alert')
      .filter({ hasText: /in use/ })
      .first()
      .waitFor();
    expect(docker.cli(['volume', 'ls', '-q'])).toContain(vol);
  });

  it('creates a network with a subnet, connects a container, and shows it', async () => {
    await nav('Networks').click();
    await ui.page.getByRole('table', { name: 'Networks' }).locator('tbody tr').first().waitFor(); // loaded
    const net = uniq('e2e-net');
    await ui.page.getByRole('button', { name: 'Create network' }).click();
    const dialog = ui.page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill(net);
    await dialog.getByLabel(/Subnet/).fill('10.123.0.0/33');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByRole('alert').filter({ hasText: /CIDR/ }).waitFor();
    await dialog.getByLabel(/Subnet/).fill('10.123.0.0/24');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await poll(() => row(net).textContent()).toContain('10.123.0.0/24');

    const c = uniq('e2e-member');
    docker.cli(['run', '-d', '--name', c, TEST_IMAGE, 'sleep', '600']);
    await row(net)
      .getByRole('button', { name: `Connect a container to ${net}…` })
      .click();
    await ui.page.getByRole('dialog').getByLabel('Container').selectOption(c);
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Connect' }).click();
    await poll(() => row(net).textContent()).toContain(c);
    expect(docker.cli(['inspect', '-f', '{{json .NetworkSettings.Networks}}', c])).toContain(net);
    await shot('networks');
  });

  it('shows images with tags and sizes, and switches to the dark theme', async () => {
    await nav('Images').click();
    await row(TEST_IMAGE).waitFor();
    expect(await row(TEST_IMAGE).textContent()).toMatch(/\d+(\.\d+)? MiB/);
    const theme = () => ui.page.evaluate(() => document.documentElement.dataset.theme);
    expect(await ui.page.getByLabel('Theme').inputValue()).toBe('system');
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    await poll(theme).toBe('dark'); // follows the OS while set to System
    await ui.page.emulateMedia({ colorScheme: 'light' });
    await poll(theme).toBe('light');
    await ui.page.getByLabel('Theme').selectOption('dark');
    expect(await ui.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await ui.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 22, 27)');
    await shot('images-dark');
    await ui.page.reload();
    expect(await ui.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark'); // remembered
  });

  it('shows the engine going away with the reason, and recovers by itself', async () => {
    await nav('Containers').click();
    const name = uniq('e2e-survivor');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await row(name).waitFor();
    try {
      await docker.stop();
      const banner = ui.page.getByRole('alert').filter({ hasText: 'Engine unreachable' });
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/closed|refused|socket/);
      expect(await row(name).count()).toBe(1); // the last list stays, dimmed
      await shot('engine-down');
    } finally {
      await docker.start();
    }
    await ui.page.getByRole('alert').filter({ hasText: 'Engine unreachable' }).waitFor({ state: 'detached', timeout: 30_000 });
    await row(name).waitFor();
    expect(await ui.page.locator('.table-wrap.stale').count()).toBe(0);
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
