/** Container detail in Chromium: logs (colour, stderr, search, timestamps, follow, 1M lines), stats and inspect. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const pageErrors = ui.pageErrors;
const poll = (fn: () => Promise<unknown>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

async function openDetail(name: string): Promise<void> {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Containers/ })
    .click();
  await ui.page.getByRole('button', { name, exact: true }).click();
  await ui.page.getByRole('heading', { name }).waitFor();
}

const logRows = () => ui.page.getByRole('log').locator('.log-row');

describe('container detail in Chromium', () => {
  it('shows coloured stdout and marked stderr, searches, shows timestamps and follows new lines', async () => {
    const name = uniq('e2e-logs');
    const script = `printf '\\033[31mred alert\\033[0m\\n'; echo 'error on stderr' >&2; echo plain; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.3; done`;
    docker.cli(['run', '-d', '--name', name, '-e', 'HELLO=world', TEST_IMAGE, 'sh', '-c', script]);
    await waitFor(() => docker.cli(['logs', name]).includes('tick 1'), 10_000, 'container output');
    await openDetail(name);

    await ui.page.getByRole('log').getByText('red alert').waitFor();
    expect(
      await ui.page
        .getByRole('log')
        .getByText('red alert')
        .evaluate((el) => getComputedStyle(el).color),
    ).not.toBe(
      await ui.page
        .getByRole('log')
        .getByText('plain')
        .evaluate((el) => getComputedStyle(el).color),
    );
    expect(await logRows().filter({ hasText: 'error on stderr' }).getAttribute('class')).toContain('err');

    const count = await logRows().filter({ hasText: /^tick/ }).count();
    await poll(() => logRows().filter({ hasText: /^tick/ }).count()).toBeGreaterThan(count); // follows

    await ui.page.getByLabel('Search log').fill('R'); // "red alert" and "error on stderr"
    await poll(() => ui.page.getByLabel('Matches').textContent()).toMatch(/^\d+ \/ \d+$/);
    expect(await ui.page.getByRole('log').locator('mark').first().textContent()).toBe('r');
    const before = await ui.page.getByLabel('Matches').textContent();
    await ui.page.getByRole('button', { name: 'Next match' }).click();
    expect(await ui.page.getByLabel('Matches').textContent()).not.toBe(before);
    await ui.page.getByLabel('Search log').fill('');

    await ui.page.getByLabel('Timestamps').check();
    await poll(() => ui.page.getByRole('log').locator('.log-time').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-logs.png` });
  });

  it('searches the log by regular expression, shows only the matching lines, and reads a time range', async () => {
    const name = uniq('e2e-logre');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'for s in 200 500 404 503 200; do echo "GET / $s"; done; sleep 2.2; echo later; exec sleep 600']);
    await waitFor(() => docker.cli(['logs', name]).includes('later'), 15_000, 'container output');
    await openDetail(name);
    await ui.page.getByRole('log').getByText('later').waitFor();
    await ui.page.getByLabel('Timestamps').uncheck();
    await ui.page.getByLabel('Regex').check();
    await ui.page.getByLabel('Search log').fill(' 5\\d\\d$');
    await poll(() => ui.page.getByLabel('Matches').textContent()).toBe('2 / 2');
    expect(await ui.page.getByRole('log').locator('mark').allTextContents()).toEqual([' 500', ' 503']);
    await ui.page.getByLabel('Only matching').check();
    await poll(() => logRows().allTextContents()).toEqual(['GET / 500', 'GET / 503']);
    // A pattern that could hang the page is refused, in words.
    await ui.page.getByLabel('Search log').fill('(\\d+)+$');
    await ui.page
      .getByRole('alert')
      .filter({ hasText: /repeats a group that repeats inside/ })
      .waitFor();
    await ui.page.getByLabel('Search log').fill('');
    await ui.page.getByLabel('Only matching').uncheck();
    await ui.page.getByLabel('Regex').uncheck();
    // Until the second before "later": the five request lines, not "later", and no following.
    const later = docker
      .cli(['logs', '-t', name])
      .split('\n')
      .find((l) => l.endsWith(' later'))!
      .split(' ')[0]!;
    const until = new Date(Math.floor(Date.parse(later) / 1000) * 1000 - 1000);
    const local = new Date(until.getTime() - until.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await ui.page.getByLabel('Lines until').fill(local);
    await ui.page.getByRole('button', { name: 'Show range' }).click();
    await poll(() => logRows().allTextContents()).toEqual(['GET / 200', 'GET / 500', 'GET / 404', 'GET / 503', 'GET / 200']);
    expect(await ui.page.getByText(/5 lines · until .* · stream ended/).count()).toBe(1);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-logs-range.png` });
  });

  it('summarises and searches the inspect JSON', async () => {
    const name = uniq('e2e-insp');
    docker.cli(['run', '-d', '--name', name, '-e', 'HELLO=world', '-v', `${uniq('vol')}:/data`, TEST_IMAGE, 'sleep', '600']);
    await openDetail(name);
    await ui.page.getByRole('tab', { name: 'Inspect' }).click();
    const summary = ui.page.getByLabel('Summary');
    await summary.getByText('HELLO=world').waitFor();
    expect(await summary.textContent()).toContain('→ /data');
    await ui.page.getByLabel('Search JSON').fill('hello=');
    await poll(() => ui.page.getByLabel('Inspect JSON').locator('mark').count()).toBeGreaterThan(0);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-inspect.png` });
  });

  it('charts live stats while the tab is visible', async () => {
    const name = uniq('e2e-stats');
    docker.cli(['run', '-d', '--name', name, '--memory', '64m', TEST_IMAGE, 'sh', '-c', 'while :; do :; done']);
    await openDetail(name);
    await ui.page.getByRole('tab', { name: 'Stats' }).click();
    const cpu = ui.page.getByLabel('CPU', { exact: true });
    await poll(() => cpu.locator('.stat-value').textContent()).toMatch(/^\d+(\.\d)? %$/); // one decimal under 10 %
    await poll(async () => parseFloat((await cpu.locator('.stat-value').textContent()) ?? '0')).toBeGreaterThan(20);
    expect(await ui.page.getByLabel('Memory', { exact: true }).locator('.stat-value').textContent()).toMatch(/ \/ 64\.0 MiB$/); // the 64m limit, as typed
    await cpu.getByRole('img', { name: 'CPU over the last minute' }).locator('canvas').waitFor(); // the chart (uPlot: see resources.test.ts for its axes and hover)
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-stats.png` });
  });

  it('stays bounded and renders only the visible rows with 1,000,000 lines', async () => {
    const name = uniq('e2e-million');
    docker.cli(['run', '--name', name, TEST_IMAGE, 'seq', '1', '1000000']);
    await openDetail(name);
    await ui.page.getByLabel('Timestamps').uncheck(); // a view preference: it stays as the first test left it
    await ui.page.getByLabel('Lines to load').selectOption('all');
    await ui.page.getByText(/older lines are not kept/).waitFor({ timeout: 90_000 });
    await poll(() => ui.page.locator('.log-status').textContent(), 90_000).toMatch(/^200,000 lines · stream ended/);
    expect(await ui.page.getByText(/older lines are not kept/).textContent()).toContain('800,000 older lines');
    expect(await logRows().count()).toBeLessThan(200); // virtualized
    expect(await logRows().last().textContent()).toBe('1000000'); // following: at the end
    await ui.page.getByLabel('Search log').fill('999999');
    await poll(() => ui.page.getByLabel('Matches').textContent()).toBe('1 / 1');
    await ui.page.getByRole('log').getByText('999999', { exact: true }).waitFor();
  }, 120_000);

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
