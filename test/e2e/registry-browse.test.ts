/**
 * A real registry (docker-registry on 127.0.0.1) browsed in Chromium: its repositories, a
 * repository's tags, a pull from there; a registry that is not there said in words. And the Run
 * dialog's image field: local images suggested, a missing one pulled in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { freePort } from '../support/ports';
import { startRegistry, type Registry } from '../support/registry';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const team = uniq('team');
let registry: Registry;
const at = (path: string) => `${registry.address}/${team}/${path}`;
const has = (ref: string) => docker.try(['image', 'inspect', ref]).status === 0;

beforeAll(async () => {
  registry = await startRegistry();
  for (const ref of [at('api:1.0'), at('api:1.1'), at('web:latest')]) {
    docker.cli(['tag', TEST_IMAGE, ref]);
    docker.cli(['push', '-q', ref]);
    docker.cli(['rmi', ref]);
  }
});
afterAll(async () => {
  for (const ref of [at('api:1.1'), at('web:latest')]) docker.try(['rmi', ref]);
  await registry?.stop();
});

describe('registries in Chromium', () => {
  it('lists a registry’s repositories and tags and pulls a tag from there; a registry not there is said', async () => {
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Images/ })
      .click();
    await page.getByRole('button', { name: 'Browse a registry…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Browse a registry' });
    const port = await freePort();
    await dialog.getByLabel('Registry').fill(`127.0.0.1:${port}`);
    await dialog.getByRole('button', { name: 'List' }).click();
    await dialog.getByRole('alert').getByText(`The registry 127.0.0.1:${port} cannot be reached from this computer (ECONNREFUSED).`).waitFor();

    await dialog.getByLabel('Registry').fill(registry.address);
    await dialog.getByLabel('Registry').press('Enter');
    const repos = dialog.getByRole('list', { name: 'Repositories' });
    await repos.getByRole('button', { name: `${team}/web` }).waitFor();
    await repos.getByRole('button', { name: `${team}/api` }).click();
    const tags = dialog.getByRole('list', { name: 'Tags' });
    expect(await tags.getByRole('listitem').allTextContents()).toEqual(['1.0Pull', '1.1Pull']);
    expect(has(at('api:1.1'))).toBe(false);
    await tags.getByRole('button', { name: `Pull ${at('api:1.1')}` }).click();
    await expect.poll(() => has(at('api:1.1')), { timeout: 30_000 }).toBe(true);
    await page.keyboard.press('Escape');
    await page
      .getByRole('row', { name: new RegExp(at('api').replace(/[.]/g, '\\.')) })
      .first()
      .waitFor(); // in the list, pushed
    expect(ui.pageErrors).toEqual([]);
  });

  it('the Run dialog suggests local images and pulls a missing one in place', async () => {
    const page = ui.page;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Run a container' });
    const image = dialog.getByLabel('Image', { exact: true });
    await image.fill('berth-test/busy');
    const suggested = await image.evaluate((i) => [...((i as HTMLInputElement).list?.options ?? [])].map((o) => o.value));
    expect(suggested).toContain(TEST_IMAGE);
    await image.fill(TEST_IMAGE);
    await dialog.getByText('On this engine.').waitFor();
    await image.fill('a//b');
    await dialog.getByLabel('Equivalent command').getByText('The image name has an empty part ("//" or a "/" at an end).').waitFor();
    expect(await dialog.getByRole('button', { name: /^Pull / }).count()).toBe(0); // nothing to pull

    const web = at('web:latest');
    await image.fill(web);
    await dialog.getByText('Not on this engine: Run pulls it first, or pull it now.').waitFor();
    await dialog.getByRole('button', { name: `Pull ${web}` }).click();
    await dialog.getByText('On this engine.').waitFor({ timeout: 30_000 }); // the list was pushed after the pull
    expect(has(web)).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
