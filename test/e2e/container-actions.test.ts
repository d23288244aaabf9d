/** A container's page in Chromium: run again (the dialog filled in), copy as docker run, rename, commit, export. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });

describe('container actions in Chromium', () => {
  it('runs again from the filled-in dialog, copies the docker run line, renames, commits and exports', async () => {
    const page = ui.page;
    const name = uniq('e2e-orig');
    const vol = uniq('e2e-vol');
    docker.cli([
      'run',
      '-d',
      '--name',
      name,
      '-e',
      'GREETING=hello world',
      '-v',
      `${vol}:/data`,
      '--restart',
      'unless-stopped',
      '--hostname',
      'orig-box',
      TEST_IMAGE,
      'sh',
      '-c',
      'echo inside > /made; exec sleep 600',
    ]);
    await page.locator('tbody tr', { hasText: name }).getByRole('button', { name, exact: true }).click();
    const toolbar = page.locator('.toolbar');

    // Copy as docker run: the line a shell runs to make the same container.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await toolbar.getByRole('button', { name: 'Copy as docker run' }).click();
    await page.getByRole('status').filter({ hasText: 'Copied the docker run command' }).waitFor();
    const line = await page.evaluate(() => navigator.clipboard.readText());
    expect(line).toBe(`docker run -d -v ${vol}:/data -e 'GREETING=hello world' --restart unless-stopped --hostname orig-box ${TEST_IMAGE} sh -c 'echo inside > /made; exec sleep 600'`);

    // Run again: the Run dialog with its settings, a new name typed.
    await toolbar.getByRole('button', { name: 'Run again…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run a container' });
    expect(await dialog.getByLabel('Image', { exact: true }).inputValue()).toBe(TEST_IMAGE);
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('');
    expect(await dialog.getByLabel('Variable 1 value').inputValue()).toBe('hello world');
    expect(await dialog.getByLabel('Hostname').inputValue()).toBe('orig-box');
    const again = uniq('e2e-again');
    await dialog.getByLabel('Name', { exact: true }).fill(again);
    await page.screenshot({ path: `${ARTIFACTS}/e2e-run-again.png` });
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const c = JSON.parse(docker.cli(['inspect', again]))[0];
    expect([c.Config.Hostname, c.HostConfig.RestartPolicy.Name, c.Mounts[0].Name, c.Config.Env.includes('GREETING=hello world')]).toEqual(['orig-box', 'unless-stopped', vol, true]);

    // Rename: a taken name is refused in the dialog; a free one is taken, and the page follows.
    await toolbar.getByRole('button', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: `Rename ${name}` });
    await rename.getByLabel('New name').fill(again);
    await rename.getByRole('button', { name: 'Rename', exact: true }).click();
    await rename
      .getByRole('alert')
      .filter({ hasText: /already in use/ })
      .waitFor();
    const renamed = uniq('e2e-renamed');
    await rename.getByLabel('New name').fill(renamed);
    await rename.getByRole('button', { name: 'Rename', exact: true }).click();
    await rename.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: renamed }).waitFor();

    // Commit: a bad change is refused with the reason; a good one makes the image.
    await toolbar.getByRole('button', { name: 'Commit…' }).click();
    const commit = page.getByRole('dialog', { name: `Commit ${renamed} to an image` });
    const ref = `berth-test/e2e-commit:${uniq('t')}`;
    await commit.getByLabel('Image name and tag').fill(ref);
    await commit.getByLabel(/^Changes/).fill('RUN rm -rf /');
    await commit.getByRole('button', { name: 'Commit', exact: true }).click();
    await commit
      .getByRole('alert')
      .filter({ hasText: /a commit takes: CMD/ })
      .waitFor();
    await commit.getByLabel(/^Changes/).fill('CMD ["cat", "/made"]');
    await commit.getByRole('button', { name: 'Commit', exact: true }).click();
    await commit.waitFor({ state: 'detached' });
    await page
      .getByRole('status')
      .filter({ hasText: `Committed as ${ref}` })
      .waitFor();
    expect(docker.cli(['run', '--rm', ref]).trim()).toBe('inside');

    // Export: the filesystem as a tar, with the file made inside.
    await page.getByRole('tab', { name: 'Files' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export filesystem' }).click()]);
    expect(download.suggestedFilename()).toBe(`${renamed}.tar`);
    const tar = spawnSync('tar', ['-xOf', await download.path(), 'made'], { encoding: 'utf8' });
    expect(tar.stdout).toBe('inside\n');
    expect(ui.pageErrors).toEqual([]);
  });
});
