/** Volume export, import and clone in Chromium: a volume's files down as a tar, that tar into a new volume, and a clone of it, all as jobs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/temp';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { inVolume, volumeSums } from '../support/volumes';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });
const src = uniq('e2e-vol-src');
const dst = uniq('e2e-vol-dst');
const copy = uniq('e2e-vol-copy');
afterAll(() => void docker.try(['volume', 'rm', '-f', src, dst, copy]));
const sums = (volume: string) => volumeSums(docker, volume);

describe('volume export and import in Chromium', () => {
  it('exports 100 MB of files as a tar, imports it into a new volume and clones that, byte for byte, all listed in Jobs', { timeout: 180_000 }, async () => {
    docker.cli(['volume', 'create', src]);
    inVolume(docker, src, 'mkdir -p /v/d && head -c 60000000 /dev/urandom > /v/d/blob && head -c 40000000 /dev/urandom > /v/other && echo hello > /v/note');
    const page = ui.page;
    await page.getByRole('button', { name: /^Volumes/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export ${src} as a tar` }).click()]);
    expect(download.suggestedFilename()).toBe(`${src}.tar`);
    const tarFile = join(tempDir('e2e-vol'), `${src}.tar`);
    await download.saveAs(tarFile); // over 50 MB: Playwright hands it to the page by path, not as a buffer
    const tar = readFileSync(tarFile);
    expect(tar.length).toBeGreaterThan(100_000_000);

    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a volume' });
    await dialog.getByLabel('Volume name').fill('bad name!');
    await dialog.getByLabel('Tar file').setInputFiles(tarFile);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/volume name must start with a letter or digit/)
      .waitFor(); // said in the form, nothing started
    await dialog.getByLabel('Volume name').fill(dst);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.waitFor({ state: 'detached' }); // it goes on in Jobs
    await page
      .getByRole('status')
      .filter({ hasText: `Imported into the volume ${dst}` })
      .waitFor({ timeout: 60_000 });
    await page.locator('tbody tr', { hasText: dst }).waitFor();
    expect(sums(dst)).toBe(sums(src));

    // A clone from the imported volume's page: a name taken is refused in the form, then a new one.
    await page.getByRole('button', { name: dst, exact: true }).click();
    await page.getByRole('button', { name: 'Clone…' }).click();
    const cloning = page.getByRole('dialog', { name: `Clone ${dst}` });
    await cloning.getByLabel('New volume name').fill(src);
    await cloning.getByRole('button', { name: 'Clone' }).click();
    await cloning.getByRole('alert').getByText(`A volume named ${src} already exists`).waitFor();
    await cloning.getByLabel('New volume name').fill(copy);
    await cloning.getByRole('button', { name: 'Clone' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Cloned the volume ${dst} to ${copy}` })
      .waitFor({ timeout: 60_000 });
    expect(sums(copy)).toBe(sums(src));
    // None left: the page open on the volume lists its files through a helper of its own, gone after each listing.
    await waitFor(() => docker.cli(['ps', '-aq', '--filter', 'label=berth.helper']) === '' || undefined, 20_000, 'no helper container left');

    await page.getByRole('button', { name: /^Jobs/ }).click();
    const rows = page.locator('tbody tr');
    await rows.filter({ hasText: `Imported into the volume ${dst}` }).waitFor();
    await rows.filter({ hasText: `Exported the volume ${src}` }).waitFor();
    await rows.filter({ hasText: `Cloned the volume ${dst} to ${copy}` }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/e2e-volume-jobs.png` });

    // A file that is not a tar: the job fails in words, and no volume is left behind.
    const junk = uniq('vol-junk');
    await page.getByRole('button', { name: /^Volumes/ }).click();
    await page.getByRole('button', { name: 'Import…' }).click();
    await dialog.getByLabel('Tar file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some words, not an archive\n'.repeat(100)) });
    await dialog.getByLabel('Volume name').fill(junk);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('alert').filter({ hasText: 'not a tar archive' }).first().waitFor({ timeout: 30_000 });
    expect(docker.try(['volume', 'inspect', junk]).status).not.toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });

  it('an export cancelled in Jobs: no download, no helper container left', { timeout: 120_000 }, async () => {
    const page = ui.page;
    let downloads = 0;
    page.on('download', () => downloads++);
    await page
      .locator('nav')
      .getByRole('button', { name: /^Volumes/ })
      .click();
    await page.getByRole('button', { name: `Export ${src} as a tar` }).click();
    await page.locator('nav').getByRole('button', { name: /^Jobs/ }).click();
    const row = page.locator('tbody tr').filter({ hasText: `Exporting the volume ${src}` });
    await row.getByRole('button', { name: /^Cancel job/ }).click();
    await page
      .locator('tbody tr')
      .filter({ hasText: `The export of ${src} was cancelled` })
      .waitFor();
    await waitFor(() => docker.cli(['ps', '-aq', '--filter', 'label=berth.helper']) === '' || undefined, 20_000, 'no helper container left');
    expect(downloads).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
