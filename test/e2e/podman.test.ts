/**
 * The dashboard on Podman in Chromium: a Podman service (test/support/podman.ts) added as an
 * engine in Berth and chosen; the footer says Podman, a container made with podman is listed and its
 * logs show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { uniq, waitFor } from '../support/engine';
import { PrivatePodman } from '../support/podman';
import { TEST_IMAGE } from '../support/test-image';

const ui = openDashboard({ width: 1280, height: 800 });
const podman = new PrivatePodman();

beforeAll(async () => {
  await podman.start();
}, 90_000);
afterAll(async () => {
  await ui.core.router.handle('contexts.use', { name: 'default' });
  await podman.stop();
  expect(podman.leftovers()).toEqual([]);
}, 60_000);

describe('the dashboard on Podman', () => {
  it('lists a Podman container and shows its logs; the footer names Podman', async () => {
    const name = uniq('e2e-pod');
    podman.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo hello from podman; while true; do sleep 1; done']);
    await waitFor(() => podman.cli(['logs', name]).includes('hello from podman') || undefined, 10_000, 'container output');
    expect(await ui.core.router.handle('contexts.add', { name: 'podman', host: podman.dockerHost })).toMatchObject({ ok: true });
    expect(await ui.core.router.handle('contexts.use', { name: 'podman' })).toMatchObject({ ok: true });
    await waitFor(() => (ui.core.engine.getStatus().state === 'up' && ui.core.engine.getStatus().product === 'podman') || undefined, 15_000, 'podman in use');

    const version = /podman version (\S+)/.exec(podman.cli(['--version']))?.[1] ?? '';
    await ui.page.locator('.engine-footer').getByText(`Podman ${version}`).waitFor();
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name, exact: true }).click();
    await ui.page.getByRole('heading', { name }).waitFor();
    await ui.page.getByRole('log').getByText('hello from podman').waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-podman-logs.png` });
    expect(ui.pageErrors).toEqual([]);
  });

  it("says on the Health tab that Podman's checks need systemd", async () => {
    const name = uniq('e2e-pod-health');
    podman.cli(['run', '-d', '--name', name, '--health-cmd', 'true', '--health-interval', '1s', TEST_IMAGE, 'sleep', '600']);
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name, exact: true }).click();
    await ui.page.getByRole('heading', { name }).waitFor();
    await ui.page.getByRole('tab', { name: 'Health' }).click();
    await ui.page
      .getByRole('note')
      .getByText(/^Podman runs health checks from systemd timers/)
      .waitFor();
    expect(ui.pageErrors).toEqual([]);
  });
});
