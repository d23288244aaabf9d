/** The Files tab in Chromium: browse, upload (with replace confirm), download a tar, a shell-less image, errors. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TarHeaderReader } from '../../electron/main/engine/tar';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { NO_SHELL_IMAGE, TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const poll = (fn: () => unknown, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

async function openFiles(name: string): Promise<void> {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Containers/ })
    .click();
  await ui.page.getByRole('button', { name, exact: true }).click();
  await ui.page.getByRole('heading', { name }).waitFor();
  await ui.page.getByRole('tab', { name: 'Files' }).click();
}
const files = () => ui.page.getByRole('table', { name: 'Files' });

describe('files tab in Chromium', () => {
  it('browses folders, uploads a file (asking before replacing it) and downloads a tar', async () => {
    const name = uniq('e2e-files');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    await openFiles(name);
    await files().getByRole('button', { name: 'Open etc' }).click();
    await files().getByText('hostname').waitFor();
    expect(await ui.page.getByLabel('Folder path').inputValue()).toBe('/etc');

    const upload = ui.page.getByLabel('Upload files');
    await upload.setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('first\n') });
    const transfers = ui.page.getByRole('list', { name: 'Transfers' });
    await poll(() => transfers.getByText('done').count()).toBe(1);
    // Only now the sync CLI: while an upload is in flight it would block the server in this process.
    expect(docker.cli(['exec', name, 'cat', '/etc/hello.txt'])).toBe('first');
    await files().getByText('hello.txt').waitFor();

    await upload.setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('second\n') });
    await ui.page.getByRole('dialog').getByText('already exists in /etc').waitFor();
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Replace' }).click();
    await poll(() => transfers.getByText('done').count()).toBe(2);
    expect(docker.cli(['exec', name, 'cat', '/etc/hello.txt'])).toBe('second');

    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByRole('button', { name: 'Download hello.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('hello.txt.tar');
    const tar = readFileSync(await download.path());
    expect(new TarHeaderReader().push(tar).map((h) => [h.name, h.size])).toEqual([['hello.txt', 7]]);
    expect(tar.subarray(512, 519).toString()).toBe('second\n');

    await ui.page.getByRole('button', { name: 'Parent folder' }).click();
    await files().getByRole('button', { name: 'Open bin' }).waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-files.png` });
  });

  it('browses an image without a shell and says why a path cannot be shown', async () => {
    const name = uniq('e2e-noshell');
    docker.cli(['run', '-d', '--name', name, NO_SHELL_IMAGE]);
    await openFiles(name);
    await ui.page.getByText('archive API').waitFor();
    await files().getByRole('button', { name: 'Open config' }).click();
    await files().getByText('config.yaml').waitFor();
    await ui.page.getByLabel('Folder path').fill('/nope');
    await ui.page.getByLabel('Folder path').press('Enter');
    await ui.page.getByText('There is no folder /nope in the container.').waitFor();
    expect(ui.pageErrors).toEqual([]);
  });
});
