/** Images in Chromium: build from a folder and read its history, push and pull through a real registry, a bad reference, disk cleanup. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { startRegistry, type Registry } from '../support/registry';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
let registry: Registry;
beforeAll(async () => void (registry = await startRegistry()));
afterAll(() => registry?.stop());
const made: string[] = [];
afterAll(() => {
  for (const tag of made) docker.try(['rmi', '-f', tag]);
});

async function images() {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Images/ })
    .click();
}
const dialog = (name: string) => ui.page.getByRole('dialog', { name });

describe('images in Chromium', () => {
  it('builds an image from a folder, shows the output, and its history lists the instructions', async () => {
    const ctx = tempDir('e2e-build');
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${TEST_IMAGE}\nARG FLAVOUR=plain\nRUN echo "$FLAVOUR" > /flavour\nRUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /toklen\nLABEL made.by=berth\n`,
    );
    const secret = `typed-secret-${uniq('s')}`;
    const tag = `berth-e2e/built:${uniq('t')}`;
    made.push(tag);
    await images();
    await ui.page.getByRole('button', { name: 'Build…' }).click();
    const d = dialog('Build image');
    await d.getByLabel('Folder with the Dockerfile').fill(ctx);
    await d.getByLabel('Tags').fill(tag);
    await d.getByLabel('Build args').fill('FLAVOUR=mint');
    await d.getByRole('button', { name: 'Add secret' }).click();
    await d.getByLabel('Secret 1 id').fill('tok');
    await d.getByLabel('Secret 1 value').fill(secret);
    await d.getByRole('button', { name: 'Build', exact: true }).click();
    await d
      .getByRole('status')
      .getByText(/^Built [0-9a-f]{12}$/)
      .waitFor({ timeout: 30_000 });
    // the steps as a tree, each done with its time
    const steps = d.getByRole('tree', { name: 'Build steps' });
    const run = steps.locator('li[data-state]').filter({ hasText: 'RUN echo "mint" > /flavour' });
    expect(await run.getAttribute('data-state')).toBe('done');
    expect(await run.textContent()).toMatch(/done.*\d+(\.\d)?s/);
    expect(await steps.locator('li[data-state]').filter({ hasText: '/run/secrets/tok' }).getAttribute('data-state')).toBe('done');
    expect(await d.textContent()).not.toContain(secret);
    expect(docker.cli(['run', '--rm', tag, 'cat', '/toklen']).trim()).toBe(String(secret.length));
    expect(docker.cli(['history', '--no-trunc', tag])).not.toContain(secret);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-build.png` });
    await d.getByRole('button', { name: 'Cancel' }).click();
    expect(docker.cli(['run', '--rm', tag, 'cat', '/flavour'])).toBe('mint');

    await ui.page.getByRole('button', { name: `History of ${tag}` }).click();
    const h = dialog(`History of ${tag}`);
    await h.getByText('LABEL made.by=berth').waitFor();
    await h.getByText('RUN echo "$FLAVOUR" > /flavour   # FLAVOUR=mint').waitFor();
    expect(await h.textContent()).not.toContain(secret);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-history.png` });
    await h.getByRole('button', { name: 'Close' }).click();

    // docker save from the row, with the bytes shown as it goes; the tar is what docker load takes
    await ui.page
      .getByRole('row', { name: new RegExp(tag) })
      .getByRole('button', { name: /^Save .*…$/ })
      .click();
    const save = dialog('Save image');
    const [download] = await Promise.all([ui.page.waitForEvent('download'), save.getByRole('button', { name: 'Save', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(`${tag.replace(/[/:]/g, '_')}.tar`);
    await save.getByText(/received$/).waitFor();
    expect(readFileSync(await download.path()).includes(Buffer.from('manifest.json'))).toBe(true);
    await save.getByRole('button', { name: 'Cancel' }).click();

    // A long build goes on when its dialog closes: the page shows it, Show brings the output back, Cancel stops it.
    const slow = tempDir('e2e-slow');
    writeFileSync(join(slow, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo slow-start && sleep 30\n`);
    await ui.page.getByRole('button', { name: 'Build…' }).click();
    await d.getByLabel('Folder with the Dockerfile').fill(slow);
    await d.getByRole('button', { name: 'Build', exact: true }).click();
    await d
      .getByLabel('Build output')
      .getByText(/slow-start/)
      .first()
      .waitFor({ timeout: 30_000 });
    await ui.page.keyboard.press('Escape');
    const banner = ui.page.getByRole('status', { name: 'Running image job' });
    await banner.getByText(`Building ${slow}`).waitFor();
    await banner.getByRole('button', { name: 'Show' }).click();
    await d
      .getByLabel('Build output')
      .getByText(/slow-start/)
      .first()
      .waitFor();
    await d.getByRole('button', { name: 'Cancel', exact: true }).click(); // closes the dialog, the build goes on
    await banner.getByRole('button', { name: 'Cancel' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(await ui.page.getByRole('alert').filter({ hasText: 'The build of' }).count()).toBe(0); // cancelled: no failure said
  });

  it('pushes to a registry and pulls back with layer progress; a bad reference is explained', async () => {
    // An image of its own (a layer no other image has), so the pull really downloads it.
    const ref = `${registry.address}/berth/e2e:${uniq('t')}`;
    const ctx = tempDir('e2e-push');
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo ${ref} > /which\n`);
    docker.cli(['build', '-q', '-t', ref, ctx]);
    await images();
    await ui.page
      .getByRole('row', { name: new RegExp(ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) })
      .getByRole('button', { name: /^Push .*…$/ })
      .click();
    const push = dialog('Push image');
    expect(await push.getByLabel('Image reference').inputValue()).toBe(ref);
    await push.getByRole('button', { name: 'Push', exact: true }).click();
    await push.getByRole('status').getByText('Done').waitFor({ timeout: 30_000 });
    await push.getByLabel('Layers').getByText('Pushed').first().waitFor();
    await push.getByRole('button', { name: 'Cancel' }).click();

    docker.cli(['rmi', ref]);
    await ui.page.getByRole('button', { name: 'Pull…' }).click();
    const pull = dialog('Pull image');
    await pull.getByLabel('Image reference').fill(ref);
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pull.getByRole('status').getByText('Done').waitFor({ timeout: 30_000 });
    expect(await pull.getByLabel('Layers').textContent()).toContain('Pull complete');
    expect(await pull.getByLabel('Total progress').getAttribute('value')).toBe('100');
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-pull.png` });
    expect(docker.try(['image', 'inspect', ref]).status).toBe(0);

    // Closing the dialog (Escape) does not cancel: the pull goes on, and its end is said in a toast.
    docker.cli(['rmi', ref]);
    await pull.getByLabel('Image reference').fill(ref);
    await pull.getByRole('button', { name: 'Again' }).click();
    await ui.page.keyboard.press('Escape');
    await pull.waitFor({ state: 'detached' });
    await ui.page
      .getByRole('status')
      .filter({ hasText: `Pulled ${ref}` })
      .waitFor({ timeout: 30_000 });
    expect(docker.try(['image', 'inspect', ref]).status).toBe(0);
    await ui.page.getByRole('button', { name: 'Pull…' }).click();
    await pull.getByLabel('Image reference').fill('Not/Valid');
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pull
      .getByRole('alert')
      .getByText(/lowercase/)
      .waitFor();
    await pull.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the disk page previews a cleanup item by item, then removes exactly that', async () => {
    const stopped = uniq('e2e-stopped');
    docker.cli(['create', '--name', stopped, TEST_IMAGE]);
    await ui.page.locator('nav').getByRole('button', { name: 'Disk usage' }).click();
    await ui.page
      .getByLabel('Containers', { exact: true })
      .getByText(/reclaimable/)
      .waitFor();
    await ui.page.getByRole('button', { name: 'Clean up stopped containers…' }).click();
    const d = dialog('Clean up stopped containers');
    await d.getByLabel('Will be removed').getByText(stopped).waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-cleanup.png` });
    await d.getByRole('button', { name: 'Remove' }).click();
    await ui.page.getByText(/^Removed \d+ stopped containers?$/).waitFor();
    expect(docker.try(['inspect', stopped]).status).not.toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
