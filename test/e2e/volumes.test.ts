/** Volume export and import in Chromium: a volume's files down as a tar, and that tar into a new volume, both as jobs. */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1400, height: 900 });
const src = uniq('e2e-vol-src');
const dst = uniq('e2e-vol-dst');
afterAll(() => void docker.try(['volume', 'rm', '-f', src, dst]));
const sums = (volume: string) => docker.cli(['run', '--rm', '-v', `${volume}:/v`, TEST_IMAGE, 'sh', '-c', 'cd /v && find . -type f | sort | xargs sha256sum']);

describe('volume export and import in Chromium', () => {
  it('exports a volume as a tar and imports it into a new volume, both listed in Jobs', { timeout: 120_000 }, async () => {
    docker.cli(['volume', 'create', src]);
    docker.cli(['run', '--rm', '-v', `${src}:/v`, TEST_IMAGE, 'sh', '-c', 'mkdir -p /v/d && head -c 20000000 /dev/urandom > /v/d/blob && echo hello > /v/note']);
    const page = ui.page;
    await page.getByRole('button', { name: /^Volumes/ }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Export ${src} as a tar` }).click()]);
    expect(download.suggestedFilename()).toBe(`${src}.tar`);
    const tar = readFileSync((await download.path())!);
    expect(tar.length).toBeGreaterThan(20_000_000);

    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a volume' });
    await dialog.getByLabel('Volume name').fill('bad name!');
    await dialog.getByLabel('Tar file').setInputFiles({ name: 'v.tar', mimeType: 'application/x-tar', buffer: tar });
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByRole('alert').getByText(/volume name must start with a letter or digit/).waitFor(); // said in the form, nothing started
    await dialog.getByLabel('Volume name').fill(dst);
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.waitFor({ state: 'detached' }); // it goes on in Jobs
    await page.getByRole('status').filter({ hasText: `Imported into the volume ${dst}` }).waitFor({ timeout: 60_000 });
    await page.locator('tbody tr', { hasText: dst }).waitFor();
    expect(sums(dst)).toBe(sums(src));

    await page.getByRole('button', { name: /^Jobs/ }).click();
    const rows = page.locator('tbody tr');
    await rows.filter({ hasText: `Imported into the volume ${dst}` }).waitFor();
    await rows.filter({ hasText: `Exported the volume ${src}` }).waitFor();
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
});
