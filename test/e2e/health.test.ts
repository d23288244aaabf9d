/** Health in Chromium: a check set in the Run dialog, seen turning unhealthy live (no reload), announced, filtered, sorted, and its probes shown. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });

describe('health in Chromium', () => {
  it('a check set in the Run dialog turns unhealthy live: badge, toast, filter, sort, and the Health tab', async () => {
    const name = uniq('e2e-health');
    const plain = uniq('e2e-plain');
    docker.cli(['run', '-d', '--name', plain, TEST_IMAGE, 'sleep', '600']);
    const page = ui.page;
    await page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Command', { exact: true }).fill(`sh -c 'touch /tmp/ok; exec sleep 600'`);
    await dialog.getByLabel('Health check command').fill('test -f /tmp/ok || { echo "no /tmp/ok" >&2; exit 1; }');
    await dialog.getByLabel('Health check interval').fill('300ms');
    await dialog.getByLabel('Health check retries').fill('2');
    expect(await dialog.getByLabel('Equivalent command').textContent()).toContain(`--health-cmd 'test -f /tmp/ok || { echo "no /tmp/ok" >&2; exit 1; }' --health-interval 300ms --health-retries 2`);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.locator('tbody tr', { hasText: name });
    await row.locator('.badge', { hasText: /^healthy$/ }).waitFor({ timeout: 20_000 });
    expect(
      await page
        .locator('tbody tr', { hasText: plain })
        .locator('.badge', { hasText: /healthy|starting/ })
        .count(),
    ).toBe(0);

    docker.cli(['exec', name, 'rm', '/tmp/ok']);
    await row.locator('.badge', { hasText: /^unhealthy$/ }).waitFor({ timeout: 20_000 }); // pushed: no reload, no polling
    await page
      .getByRole('alert')
      .filter({ hasText: `${name} is unhealthy` })
      .waitFor();
    await row.getByText(/\d+ checks failed in a row/).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/e2e-health-list.png` });

    // Sorted by health, the unhealthy one comes first; filtered, only it is left.
    await page.getByRole('button', { name: /^Health/ }).click();
    expect(await page.locator('tbody tr').first().textContent()).toContain(name);
    await page.getByRole('button', { name: 'Unhealthy', exact: true }).click();
    await page.locator('tbody tr', { hasText: plain }).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'All', exact: true }).click();

    // The Health tab: the check and its last probes, newest first, with what they printed.
    await row.getByRole('button', { name, exact: true }).click();
    await page.getByRole('tab', { name: 'Health' }).click();
    const check = page.getByLabel('Health check', { exact: true });
    await check.getByText('test -f /tmp/ok').waitFor();
    expect(await check.textContent()).toContain('every 0.3 s, timeout 30 s, unhealthy after 2 failed in a row');
    const probes = page.getByRole('table', { name: 'Last checks' });
    await probes.getByText('no /tmp/ok').first().waitFor();
    expect(await probes.locator('tbody tr').first().textContent()).toContain('failed');
    // Live while open: the check passes again, and the tab and the badge follow.
    docker.cli(['exec', name, 'touch', '/tmp/ok']);
    await probes.locator('tbody tr').first().getByText('passed').waitFor({ timeout: 20_000 });
    await page.locator('.toolbar .badge', { hasText: /^healthy$/ }).waitFor({ timeout: 20_000 });
    // (A recovery within a minute of the unhealthy notice is not announced: a flapping check would flood. See electron/shared/health.test.ts.)
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: `${name} is unhealthy` })
        .count(),
    ).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/e2e-health-tab.png` });
    expect(ui.pageErrors).toEqual([]);
  });
});
