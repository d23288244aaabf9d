/**
 * Transfers in Chromium at real sizes, the bytes as binary WebSocket frames: load a 50 MB
 * `docker save` tar, upload a 20 MB file, download a 50 MB folder, each compared by sha256 with
 * what the engine has. A connection lost mid-transfer is said in words, and the container's open
 * terminal says it ended instead of becoming a new shell. And the token: no cookie, a clean
 * address bar, a reload that works.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTION_LOST } from '../../renderer/stores/terminals';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, madeByFile, uniq } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const MB = 1024 * 1024;
const docker = engine();
const made = madeByFile();
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const shaIn = (container: string, path: string) => docker.cli(['exec', container, 'sha256sum', path]).split(/\s+/)[0];

let shellsOpened = 0;
/** Called with the file name of every upload piece the server is handed. */
let onUploadPiece: (name: string) => void = () => {};
const ui = openDashboard(
  { width: 1280, height: 900 },
  {
    router: (r) => ({
      handle: r.handle,
      openStream: (name, args, write) => {
        if (name === 'containers.exec') shellsOpened++;
        const s = r.openStream(name, args, write);
        if (name !== 'containers.files.upload') return s;
        const file = (args as { name: string }).name;
        return { ...s, input: (data) => (onUploadPiece(file), s.input(data)) };
      },
    }),
  },
);

async function openContainer(name: string, tab: 'Files' | 'Terminal'): Promise<void> {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Containers/ })
    .click();
  await ui.page.getByRole('button', { name, exact: true }).click();
  await ui.page.getByRole('heading', { name }).waitFor();
  await ui.page.getByRole('tab', { name: tab }).click();
}
const files = () => ui.page.getByRole('table', { name: 'Files' });
const transfer = (what: string) => ui.page.getByRole('list', { name: 'Transfers' }).getByRole('listitem', { name: what });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('transfers in Chromium', () => {
  it('the token: not in the address bar, not in a cookie, and a reload keeps working', async () => {
    const name = uniq('e2e-reload');
    made.push(name);
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    expect(new URL(ui.page.url()).search).toBe('');
    expect(await ui.page.context().cookies()).toEqual([]);
    await ui.page.reload();
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();
    expect(await ui.page.context().cookies()).toEqual([]);
  });

  it('a tab opened without the token says how to get in, instead of reconnecting forever', async () => {
    const tab = await ui.page.context().browser()!.newPage(); // a new context: nothing kept from the first tab
    try {
      await tab.goto(ui.server.origin);
      await expect.poll(() => tab.getByRole('alert').textContent(), { timeout: 5000 }).toMatch(/opened without Berth's access token[\s\S]*URL that berth start/);
      expect(await tab.locator('nav').count()).toBe(0);
    } finally {
      await tab.close();
    }
  });

  it('loads a 50 MB docker save tar through the Load dialog: the engine has the same bytes', async () => {
    const dir = tempDir('e2e-load');
    const blob = randomBytes(50 * MB);
    writeFileSync(join(dir, 'blob'), blob);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY blob /blob\n`);
    const tag = `berth-e2e/big:${uniq('t')}`;
    docker.cli(['build', '-q', '-t', tag, dir]);
    const tar = join(dir, 'big.tar');
    docker.cli(['save', '-o', tar, tag]);
    docker.cli(['rmi', tag]);
    try {
      await ui.page
        .locator('nav')
        .getByRole('button', { name: /^Images/ })
        .click();
      await ui.page.getByRole('button', { name: 'Load…' }).click();
      const d = ui.page.getByRole('dialog', { name: 'Load images' });
      await d.getByLabel('Image archive (.tar from docker save)').setInputFiles(tar);
      const start = Date.now();
      await d.getByRole('button', { name: 'Load', exact: true }).click();
      await d.getByRole('status').getByText(`Loaded ${tag}`).waitFor({ timeout: 60_000 });
      console.log(`[figure] 50 MB docker load through Chromium: ${seconds(Date.now() - start)}`);
      await d.getByRole('button', { name: 'Cancel' }).click();
      expect(docker.cli(['run', '--rm', tag, 'sha256sum', '/blob']).split(/\s+/)[0]).toBe(sha(blob));
    } finally {
      docker.try(['rmi', tag]);
    }
  });

  it('uploads a 20 MB file through the Files tab and downloads a 50 MB folder: the same bytes both ways', async () => {
    const name = uniq('e2e-big');
    made.push(name);
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    docker.cli(['exec', name, 'sh', '-c', 'mkdir /data && for i in 1 2 3 4 5; do head -c 10485760 /dev/urandom > /data/f$i; done']);
    const dir = tempDir('e2e-big');
    const data = randomBytes(20 * MB);
    writeFileSync(join(dir, 'upload.bin'), data);
    await openContainer(name, 'Files');
    await files().getByRole('button', { name: 'Open tmp' }).click();
    await expect.poll(() => ui.page.getByLabel('Folder path').inputValue()).toBe('/tmp');
    let start = Date.now();
    await ui.page.getByLabel('Upload files').setInputFiles(join(dir, 'upload.bin'));
    await transfer('Upload upload.bin').getByText('done').waitFor({ timeout: 60_000 });
    console.log(`[figure] 20 MB upload through Chromium: ${seconds(Date.now() - start)}`);
    expect(shaIn(name, '/tmp/upload.bin')).toBe(sha(data));

    await ui.page.getByRole('button', { name: 'Parent folder' }).click();
    start = Date.now();
    const [download] = await Promise.all([ui.page.waitForEvent('download', { timeout: 60_000 }), files().getByRole('button', { name: 'Download data' }).click()]);
    const tar = await download.path();
    console.log(`[figure] 50 MB folder download through Chromium: ${seconds(Date.now() - start)}`);
    expect(download.suggestedFilename()).toBe('data.tar');
    const out = tempDir('e2e-untar');
    execFileSync('tar', ['-xf', tar, '-C', out]);
    for (let i = 1; i <= 5; i++) expect(sha(readFileSync(join(out, 'data', `f${i}`))), `f${i}`).toBe(shaIn(name, `/data/f${i}`));
  });

  it('a picked .env file that is gone before it is read: said in words at the field, nothing added, no page error', async () => {
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = ui.page.getByRole('dialog', { name: 'Run a container' });
    // A file deleted between the pick and the read: its read rejects, as Chromium's does (NotFoundError).
    await dialog.getByLabel('Env file', { exact: true }).evaluate((input: HTMLInputElement) => {
      const gone = { name: 'gone.env', slice: () => ({ arrayBuffer: () => Promise.reject(new DOMException('A requested file or directory could not be found.', 'NotFoundError')) }) };
      Object.defineProperty(input, 'files', { value: [gone], configurable: true });
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await dialog.getByRole('alert').filter({ hasText: 'gone.env could not be read: it was moved, deleted or made unreadable after it was picked.' }).waitFor();
    expect(await dialog.getByLabel('Env file', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel(/^Variable \d+ name$/).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(ui.pageErrors).toEqual([]); // it was an unhandled rejection in the page
  });

  it('a connection lost mid-upload is said in words; the open terminal says it ended and starts a new shell only when asked', async () => {
    const name = uniq('e2e-drop');
    made.push(name);
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    const dir = tempDir('e2e-drop');
    writeFileSync(join(dir, 'dropped.bin'), randomBytes(16 * MB));

    await openContainer(name, 'Terminal');
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('echo before-$((20+1))');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => ui.page.locator('.xterm-rows').innerText(), { timeout: 10_000 }).toContain('before-21');

    await ui.page.getByRole('tab', { name: 'Files' }).click();
    await files().getByRole('button', { name: 'Open tmp' }).click();
    await expect.poll(() => ui.page.getByLabel('Folder path').inputValue()).toBe('/tmp');
    let dropped: Promise<void> | undefined;
    onUploadPiece = (file) => void (file === 'dropped.bin' && (dropped ??= ui.dropConnection()));
    try {
      await ui.page.getByLabel('Upload files').setInputFiles(join(dir, 'dropped.bin'));
      await transfer('Upload dropped.bin').getByText('failed: Lost the connection to Berth during the upload; it did not finish.').waitFor({ timeout: 20_000 });
      await dropped;
    } finally {
      onUploadPiece = () => {};
    }
    await ui.page.getByText('Disconnected from Berth.').waitFor({ state: 'hidden', timeout: 20_000 }); // it reconnected
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-transfer-dropped.png` });
    expect(docker.try(['exec', name, 'ls', '/tmp/dropped.bin']).status).not.toBe(0); // nothing half-written

    const shells = shellsOpened;
    await ui.page.getByRole('tab', { name: 'Terminal' }).click();
    await ui.page.getByText(CONNECTION_LOST).waitFor();
    await expect.poll(() => ui.page.locator('.xterm-rows').innerText()).toContain('before-21'); // the old screen, not a new shell
    expect(shellsOpened).toBe(shells);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-terminal-connection-lost.png` });

    await ui.page.getByRole('button', { name: 'Reconnect' }).click();
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('echo after-$((40+2))');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => ui.page.locator('.xterm-rows').innerText(), { timeout: 10_000 }).toContain('after-42');
    expect(shellsOpened).toBe(shells + 1);
    expect(ui.pageErrors).toEqual([]);
  });
});
