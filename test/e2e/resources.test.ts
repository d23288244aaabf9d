/**
 * The live resource overview in Chromium, with 50 running containers: CPU and memory columns in
 * the list, the Resources page (totals, top consumers, a bar each), charts with units and hover
 * values, and the one stream open only while a page that shows it is visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
let usageStreams = 0; // open containers.usage streams, counted at the router
const ui = openDashboard(
  { width: 1400, height: 900 },
  {
    router: (r) => ({
      handle: (m, a) => r.handle(m, a),
      openStream: (n, a, w) => {
        const s = r.openStream(n, a, w);
        if (n === 'containers.usage') {
          usageStreams++;
          void s.done.then(() => usageStreams--);
        }
        return s;
      },
    }),
  },
);

const COUNT = 50;
const prefix = uniq('e2e-res');
const names = Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);
const hot = `${prefix}-hot`;
const stopped = `${prefix}-stopped`;
const late = `${prefix}-late`;

beforeAll(() => {
  for (const n of names) docker.cli(['create', '--name', n, TEST_IMAGE, 'sleep', '3600']);
  docker.cli(['start', ...names]);
  docker.cli(['run', '-d', '--name', hot, '--memory', '64m', TEST_IMAGE, 'sh', '-c', 'while :; do :; done']);
  docker.cli(['create', '--name', stopped, TEST_IMAGE, 'true']);
}, 120_000);
afterAll(() => void docker.try(['rm', '-f', ...names, hot, stopped, late]));

const percentOf = (text: string | null) => Number(/([\d.]+) %/.exec(text ?? '')?.[1] ?? NaN);

describe('resource overview in Chromium', () => {
  it('the containers list shows CPU and memory of running containers, live', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: /^Containers/ }).click();
    const row = page.locator('tbody tr', { hasText: hot });
    const cpu = row.locator('td.num').first();
    await waitFor(async () => percentOf(await cpu.textContent()) > 20 || undefined, 30_000, 'the busy container using CPU');
    expect(await row.locator('td.num').nth(1).textContent()).toMatch(/\d.* (KiB|MiB)$/);
    expect(await row.locator('td.num').nth(1).locator('[title]').getAttribute('title')).toContain('of 64.0 MiB'); // binary, as the limit was typed
    await page
      .locator('tbody tr', { hasText: names[7]! })
      .locator('td.num')
      .nth(1)
      .getByText(/KiB|MiB/)
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('tbody tr', { hasText: stopped }).locator('td.num').first().textContent()).toBe('—');
    expect(usageStreams).toBe(1);
  });

  it('the Resources page: totals, top consumers, a bar per container, joining and leaving live', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: /^Resources/ }).click();
    const table = page.getByRole('table', { name: 'Use per container' });
    await waitFor(async () => ((await table.locator('tbody tr').count()) >= COUNT + 1 ? true : undefined), 30_000, 'a row per running container');
    for (const n of [names[0]!, names[COUNT - 1]!, hot]) expect(await table.locator('tbody tr', { hasText: n }).count()).toBe(1);
    expect(await table.locator('tbody tr', { hasText: stopped }).count()).toBe(0);
    // Busier first, in the table and in Top CPU (other test files' containers share the engine:
    // only the order among this file's own is asserted); the bar is filled by its share of the machine.
    const order = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelector('button')?.textContent ?? ''));
    const firstIdle = order.findIndex((n) => names.includes(n));
    expect(firstIdle).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(hot)).toBeLessThan(firstIdle);
    const topCpu = page.getByRole('region', { name: 'Top CPU' });
    expect(await topCpu.textContent()).toContain(hot);
    const meter = table.locator('tbody tr', { hasText: hot }).getByRole('meter', { name: `${hot}: CPU` });
    expect(Number(await meter.getAttribute('aria-valuenow'))).toBeGreaterThan(5);
    const memTotal = page.getByLabel('Total memory');
    expect(await memTotal.textContent()).toMatch(/MiB of [\d.]+ GiB/);
    expect(await page.getByLabel('Total CPU').textContent()).toMatch(/CPUs?[\d.]+ % of \d+ %/);
    expect(await page.getByLabel('Berth VM').textContent()).toContain("not Berth's VM");
    await page.screenshot({ path: `${ARTIFACTS}/e2e-resources.png` });

    docker.cli(['run', '-d', '--name', late, TEST_IMAGE, 'sleep', '3600']);
    await table.locator('tbody tr', { hasText: late }).waitFor({ timeout: 30_000 });
    docker.cli(['stop', '-t', '0', hot]);
    await table.locator('tbody tr', { hasText: hot }).waitFor({ state: 'detached', timeout: 30_000 });
    expect(usageStreams).toBe(1); // the list and the page never hold two
  });

  it('the stream is open only while a page that shows it is visible', async () => {
    const page = ui.page;
    await page.getByRole('button', { name: /^Images/ }).click();
    await waitFor(() => usageStreams === 0 || undefined, 10_000, 'the overview stream closed off its pages');
    await page.getByRole('button', { name: /^Resources/ }).click();
    await waitFor(() => usageStreams === 1 || undefined, 10_000, 'the overview stream open again');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => usageStreams === 0 || undefined, 10_000, 'no stream while the window is hidden');
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => usageStreams === 1 || undefined, 10_000, 'open again when shown');
  });

  it('a container’s charts have time and value axes in binary units, and values under the cursor', async () => {
    const page = ui.page;
    await page.getByRole('table', { name: 'Use per container' }).getByRole('button', { name: late }).click();
    await page.getByRole('tab', { name: 'Stats' }).click();
    const memory = page.getByRole('img', { name: 'Memory over the last minute' });
    await memory.locator('canvas').waitFor();
    await waitFor(async () => ((await memory.locator('.u-legend .u-value').count()) >= 2 ? true : undefined), 10_000, 'the legend');
    const box = (await memory.locator('.u-over').boundingBox())!;
    // Hover near the right edge until a reading is under the cursor (the first ones take a second each).
    await waitFor(
      async () => {
        await page.mouse.move(box.x + box.width - 4 - Math.random(), box.y + box.height / 2);
        return (await memory.locator('.u-legend .u-series').nth(1).textContent())?.match(/\d (KiB|MiB|B)$/) ? true : undefined;
      },
      15_000,
      'a memory value under the cursor',
    );
    const ticks = await memory.evaluate((el) => el.querySelectorAll('.u-axis').length);
    expect(ticks).toBe(2); // time and value axes
    const cpu = page.getByRole('img', { name: 'CPU over the last minute' });
    expect(await cpu.locator('.u-legend').textContent()).toMatch(/CPU.*%|CPU—/);
    await page.screenshot({ path: `${ARTIFACTS}/e2e-stats-charts.png` });
    expect(ui.pageErrors).toEqual([]);
  });
});
