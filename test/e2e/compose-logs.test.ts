/**
 * A compose project's logs in Chromium: three services' 50,000 lines merged in time order, each
 * line in its service's colour, searched, a late service joining live, and wrap on and off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });
const project = uniq('e2elogs').replace(/[^a-z0-9-]/g, '');
const made: string[] = [];
afterAll(() => void docker.try(['rm', '-f', ...made]));
const poll = (fn: () => Promise<unknown>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

function member(service: string, cmd: string): string {
  const name = `${project}-${service}-1`;
  made.push(name);
  docker.cli(['run', '-d', '--name', name, '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${service}`, TEST_IMAGE, 'sh', '-c', cmd]);
  return name;
}
const lines = (service: string, n: number) => `i=0; while [ $i -lt ${n} ]; do echo "${service} line $i"; i=$((i+1)); done`;
const LONG = 'x'.repeat(600);

describe("a compose project's merged logs in Chromium", () => {
  it('shows 50,000 lines of three services in time order, coloured by service, searchable, live', { timeout: 180_000 }, async () => {
    member('web', `${lines('web', 16_666)}; echo "web ${LONG}"; sleep 600`);
    member('db', `${lines('db', 16_667)}; sleep 600`);
    member('cache', `${lines('cache', 16_666)}; sleep 600`);
    await waitFor(
      () =>
        (docker.cli(['logs', '--tail', '1', `${project}-web-1`]).includes(LONG) &&
          docker.cli(['logs', '--tail', '1', `${project}-db-1`]).includes('db line 16666') &&
          docker.cli(['logs', '--tail', '1', `${project}-cache-1`]).includes('cache line 16665')) ||
        undefined,
      90_000,
      'every service printed',
    );

    const page = ui.page;
    await page.getByRole('button', { name: /^Containers/ }).click();
    await page.getByRole('button', { name: `Logs of ${project}` }).click();
    await page.getByLabel('Lines to load').selectOption('all');
    const t0 = Date.now();
    await poll(() => page.locator('.log-status').textContent(), 60_000).toMatch(/^50,000 lines/);
    console.log(`50,000 merged lines of 3 services on screen in ${Date.now() - t0} ms (after choosing All lines)`);
    const log = page.getByRole('log', { name: `Logs of ${project}` });

    // Each service's prefix in its own colour; the services listed in the header with the same.
    const colours: string[] = [];
    await page.getByLabel('Follow').uncheck();
    for (const svc of ['web', 'db', 'cache']) {
      await page.getByLabel('Search log').fill(`${svc} line 16000`); // one line (no 160000 here): the view jumps to it, so its row is drawn
      await poll(() => page.getByLabel('Matches').textContent()).toBe('1 / 1');
      const prefix = log.locator('.log-row.active .log-source');
      expect(await prefix.textContent()).toMatch(new RegExp(`^${svc}\\s+\\| $`));
      colours.push(await prefix.evaluate((el) => getComputedStyle(el).color));
    }
    expect(new Set(colours).size).toBe(3);
    expect((await page.getByLabel('Services').textContent())!.split('●').filter(Boolean).sort()).toEqual([' cache', ' db', ' web']); // in the order first seen

    // In time order: each service's lines keep their order, and the rows on screen are sorted by time.
    await page.getByLabel('Search log').fill('');
    await page.getByLabel('Timestamps').check();
    await log.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await poll(() => log.locator('.log-row .log-time').count()).toBeGreaterThan(20);
    const times = await log.locator('.log-row').evaluateAll((rows) =>
      rows
        .map((r) => ({ line: Number(r.getAttribute('data-line')), time: r.querySelector('.log-time')?.textContent ?? '' }))
        .sort((a, b) => a.line - b.line)
        .map((r) => r.time),
    );
    expect(times.every((x, i) => i === 0 || times[i - 1]! <= x)).toBe(true);

    // Search over the merge: one line of one service; only matching shows it alone.
    await page.getByLabel('Search log').fill('db line 16666');
    await poll(() => page.getByLabel('Matches').textContent()).toBe('1 / 1');
    await page.getByLabel('Only matching').check();
    await poll(() => log.locator('.log-row').count()).toBe(1);
    expect(await log.locator('.log-row .log-source').textContent()).toMatch(/^db\s+\| $/);
    await page.getByLabel('Only matching').uncheck();
    await page.getByLabel('Search log').fill('');

    // A service that starts later joins, live.
    await page.getByLabel('Follow').check();
    member('worker', 'echo worker is ready; sleep 600');
    await log.locator('.log-row', { hasText: 'worker is ready' }).waitFor({ timeout: 30_000 });
    expect(await page.getByLabel('Services').textContent()).toContain('worker');
    await page.screenshot({ path: `${ARTIFACTS}/e2e-compose-logs.png` });
  });

  it('wraps long lines on demand, and the view stays virtualised', async () => {
    const page = ui.page;
    const log = page.getByRole('log', { name: `Logs of ${project}` });
    await page.getByLabel('Follow').uncheck();
    await page.getByLabel('Search log').fill(LONG.slice(0, 50));
    await poll(() => page.getByLabel('Matches').textContent()).toBe('1 / 1');
    const row = log.locator('.log-row', { hasText: LONG.slice(0, 50) });
    const box = await row.boundingBox();
    expect(box!.height).toBe(18); // one row, the rest off to the side
    const wide = await log.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(wide).toBe(true);
    await page.getByLabel('Wrap').check();
    await poll(async () => (await row.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(18 * 3); // 600+ characters at ~150 a row
    await poll(() => log.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Its text is all there and the next row starts below it, not over it.
    const next = await log.locator(`.log-row[data-line="${await row.getAttribute('data-line').then((l) => Number(l) + 1)}"]`).boundingBox();
    const wrapped = (await row.boundingBox())!;
    expect(next!.y).toBeGreaterThanOrEqual(wrapped.y + wrapped.height - 1);
    expect(await log.locator('.log-row').count()).toBeLessThan(200); // only the rows in view (and some) are drawn
    await page.screenshot({ path: `${ARTIFACTS}/e2e-logs-wrap.png` });
    await page.getByLabel('Wrap').uncheck();
    await poll(async () => (await row.boundingBox())?.height ?? 0).toBe(18);
    expect(ui.pageErrors).toEqual([]);
  });
});
