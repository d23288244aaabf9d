/**
 * axe-core over every view, every page of an item, every container tab, a project's logs and the
 * dialogs, in both themes: no serious or critical violation (WCAG 2 A/AA rules). Each place is reached by
 * its URL and waited on, so what axe sees is what a user sees.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWS } from '../../electron/shared/route';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const name = uniq('a11y');
const vol = uniq('a11y-vol');
const net = uniq('a11y-net');

// Two of everything, so that a row button without its row's name shows as a repeat: a second
// volume and network, a stopped container, a compose project of two and a dangling image.
const stopped = uniq('a11y-stopped');
const project = uniq('a11yproj');
const services = ['web', 'db'].map((s) => `${project}-${s}`);
let dangling = '';

beforeAll(() => {
  for (const n of [net, `${net}-2`]) docker.cli(['network', 'create', n]);
  for (const v of [vol, `${vol}-2`]) docker.cli(['volume', 'create', v]);
  docker.cli(['run', '-d', '--name', name, '--network', net, '-v', `${vol}:/data`, '-p', '127.0.0.1::80', TEST_IMAGE, 'sh', '-c', 'echo hi > /data/hello.txt; exec sleep 600']);
  for (const s of services) docker.cli(['run', '-d', '--name', s, '--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${s}`, TEST_IMAGE, 'sleep', '600']);
  docker.cli(['create', '--name', stopped, TEST_IMAGE, 'true']);
  dangling = docker.cli(['commit', stopped]).trim(); // no tag: dangling
});
afterAll(() => {
  docker.try(['rm', '-f', name, stopped, ...services]);
  if (dangling) docker.try(['rmi', dangling]);
  for (const v of [vol, `${vol}-2`]) docker.try(['volume', 'rm', v]);
  for (const n of [net, `${net}-2`]) docker.try(['network', 'rm', n]);
});

interface Found {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** The serious and critical violations on the page as it is now. */
async function violations(): Promise<Found[]> {
  const page = ui.page;
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE); // through the debugger, past the page's CSP (which refuses inline scripts)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    // A button repeated on every row (Stop, Remove, Pull) names its row: no two in a list share a name.
    const repeated = new Set<string>();
    for (const list of document.querySelectorAll('tbody, ul, ol')) {
      const names = [...list.querySelectorAll('button')].filter((b) => b.closest('tbody, ul, ol') === list).map((b) => b.getAttribute('aria-label') ?? b.textContent?.trim() ?? '');
      names.forEach((n, i) => names.indexOf(n) !== i && repeated.add(n));
    }
    const found = r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
    return repeated.size ? [...found, { id: 'row-button-names', impact: 'serious', help: 'Row buttons must name their row', nodes: [...repeated] }] : found;
  });
}

async function visit(hash: string, ready: () => Promise<unknown>): Promise<[string, Found[]]> {
  const theme = await ui.page.evaluate(() => document.documentElement.dataset.theme);
  await ui.page.evaluate((h) => (location.hash = h), hash);
  await ready();
  await ui.page.waitForFunction(() => !document.querySelector('.stale')); // what is loading is dimmed: axe would judge the dimming
  return [`${theme}: ${hash}`, await violations()];
}

describe('accessibility (axe-core)', () => {
  it('no serious or critical violation on any view, page, tab or main dialog, in either theme', async () => {
    const page = ui.page;
    const id = docker.cli(['inspect', '--format', '{{.Id}}', name]).trim();
    const image = docker
      .cli(['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE])
      .trim()
      .replace(/^sha256:/, '');
    const netId = docker.cli(['network', 'inspect', '--format', '{{.Id}}', net]).trim();
    const found: [string, Found[]][] = [];
    for (const theme of ['light', 'dark']) {
      await page.locator('nav').getByLabel('Theme').selectOption(theme);
      for (const view of VIEWS) found.push(await visit(`#/${view}`, () => page.locator('main').locator('h1, h2').first().waitFor()));
      found.push(await visit(`#/containers/${id}`, () => page.getByRole('heading', { name }).waitFor()));
      for (const tab of ['terminal', 'stats', 'health', 'inspect'])
        found.push(await visit(`#/containers/${id}/${tab}`, () => page.getByRole('tab', { name: new RegExp(`^${tab}$`, 'i'), selected: true }).waitFor()));
      found.push(await visit(`#/containers/${id}/files`, () => page.getByRole('button', { name: 'Open bin' }).waitFor())); // listed
      found.push(await visit(`#/images/${image}`, () => page.getByRole('heading', { name: TEST_IMAGE }).waitFor()));
      found.push(await visit(`#/volumes/${vol}`, () => page.locator('.files-tab').getByText('hello.txt').waitFor()));
      found.push(await visit(`#/networks/${netId}`, () => page.getByRole('heading', { name: net }).waitFor()));
      found.push(await visit(`#/compose/${project}/logs`, () => page.getByRole('heading', { name: project }).waitFor()));
      // The form dialogs, each opened where a user opens it.
      for (const [hash, opener, title] of [
        [`#/images/${image}`, 'Tag…', `Tag ${TEST_IMAGE}`],
        [`#/volumes/${vol}`, 'Clone…', `Clone ${vol}`],
        ['#/volumes', 'Import…', 'Import a volume'],
        [`#/networks/${netId}`, 'Connect…', `Connect a container to ${net}`],
        ['#/containers', 'Compose up…', 'Compose up'],
      ] as const) {
        await visit(hash, () => page.getByRole('button', { name: opener, exact: true }).waitFor());
        await page.getByRole('button', { name: opener, exact: true }).click();
        await page.getByRole('dialog', { name: title }).waitFor();
        found.push([`${theme}: ${title} dialog`, await violations()]);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog', { name: title }).waitFor({ state: 'detached' });
      }
      await visit('#/containers', () => page.getByLabel('Search containers').waitFor());
      await page.getByRole('button', { name: 'Run…' }).first().click();
      await page.getByRole('dialog', { name: 'Run a container' }).waitFor();
      found.push([`${theme}: Run dialog`, await violations()]);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Command palette' }).waitFor();
      found.push([`${theme}: palette`, await violations()]);
      await page.keyboard.press('Escape');
      await page
        .locator('nav')
        .getByRole('button', { name: /^Images/ })
        .focus();
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      found.push([`${theme}: shortcuts`, await violations()]);
      await page.keyboard.press('Escape');
      await page
        .locator('nav')
        .getByRole('button', { name: /^Images/ })
        .click();
      await page.getByRole('button', { name: 'Browse a registry…' }).click();
      await page.getByRole('dialog', { name: 'Browse a registry' }).waitFor();
      found.push([`${theme}: registry browser`, await violations()]);
      await page.keyboard.press('Escape');
    }
    expect(found).toHaveLength(2 * (VIEWS.length + 19)); // every place, in each theme
    const bad = found.filter(([, v]) => v.length);
    expect(bad.map(([where, v]) => `${where}: ${v.map((x) => `${x.id} (${x.help}) at ${x.nodes.join(', ')}`).join('; ')}`)).toEqual([]);
    expect(ui.pageErrors).toEqual([]);
  });
});
