/**
 * What a person trying Berth for the first time ran into, in Chromium with real clicks: a refused
 * Run explained where they are looking, a bad .env file named line by line (and Run held back),
 * removing a container from its own page, an inspect summary that says what was asked for, and
 * confirmations in the right number.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const made: string[] = []; // every container a test made or may have made, removed at the end
const dir = mkdtempSync(join(tmpdir(), 'berth-new-user-'));
afterAll(() => {
  for (const n of made) docker.try(['rm', '-f', n]);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  // a failed test leaves no dialog over the next one
  while (await ui.page.getByRole('dialog').count()) await ui.page.keyboard.press('Escape');
});

const count = () => docker.cli(['ps', '-aq']).split('\n').filter(Boolean).length;
const shot = (name: string) => ui.page.screenshot({ path: `${ARTIFACTS}/e2e-new-user-${name}.png` });
const poll = (fn: () => Promise<unknown>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 50 });
const row = (text: string) => ui.page.locator('tbody tr', { hasText: text });
const focused = () => ui.page.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label'), id: document.activeElement?.id, cls: document.activeElement?.className }));

/** Opens the Run dialog with an image and a name, and a few variables so the form is taller than the window. */
async function openRun(name: string, variables = 0) {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Containers/ })
    .click();
  await ui.page.getByRole('button', { name: 'Run…' }).first().click();
  const dialog = ui.page.getByRole('dialog', { name: 'Run a container' });
  await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  for (let i = 1; i <= variables; i++) {
    await dialog.getByRole('button', { name: '+ Variable' }).click();
    await dialog.getByLabel(`Variable ${i} name`).fill(`VAR_${i}`);
    await dialog.getByLabel(`Variable ${i} value`).fill(String(i));
  }
  return dialog;
}

/** Whether `el` is inside the dialog's visible part: below its top and above its (sticky) footer. */
async function inView(dialog: Locator, el: Locator, footerCovers = true): Promise<boolean> {
  const d = (await dialog.boundingBox())!;
  const f = (await dialog.locator('footer').boundingBox())!;
  const b = (await el.boundingBox())!;
  const bottom = footerCovers ? f.y : d.y + d.height;
  return b.height > 0 && b.y >= d.y && b.y + b.height <= bottom + 0.5;
}

const scrollToEnd = (dialog: Locator) => dialog.evaluate((el) => el.scrollTo(0, el.scrollHeight));

describe('a new user in Chromium', () => {
  it('a taken host port: the reason and the hint at the port field, in view and focused; nothing is created', async () => {
    const port = await freePort();
    const listener: Server = createServer();
    await new Promise<void>((r) => listener.listen(port, '127.0.0.1', r));
    try {
      const name = uniq('nu-port');
      made.push(name);
      const before = count();
      const dialog = await openRun(name, 4);
      await dialog.getByRole('button', { name: '+ Port' }).click();
      await dialog.getByLabel('Port 1 host port').fill(String(port));
      await dialog.getByLabel('Port 1 container port').fill('8080');
      await scrollToEnd(dialog); // the user went on down the form, and clicks Run at the bottom
      const field = dialog.getByLabel('Port 1 host port');
      expect(await inView(dialog, field)).toBe(false); // the field is out of sight when Run is clicked
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();

      const message = dialog.getByRole('alert').filter({ hasText: `Host port 127.0.0.1:${port}/tcp is already in use` });
      await message.waitFor();
      await expect.poll(() => inView(dialog, message)).toBe(true);
      expect(await message.textContent()).toContain('Choose another host port, or leave it empty'); // the hint
      expect(await inView(dialog, field)).toBe(true);
      expect(await focused()).toMatchObject({ label: 'Port 1 host port' });
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const describedBy = await field.getAttribute('aria-describedby');
      expect(await ui.page.locator(`#${describedBy}`).textContent()).toContain('is already in use');
      await shot('port-taken');
      expect(count()).toBe(before);
      expect(docker.try(['inspect', name]).status).not.toBe(0);

      await field.fill(''); // the hint's way out: let the engine pick
      expect(await field.getAttribute('aria-invalid')).toBeNull(); // editing the field takes the refusal away
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitFor(() => docker.try(['inspect', name]).status === 0, 10_000, 'the container');
      expect(count()).toBe(before + 1);
    } finally {
      await new Promise((r) => listener.close(r));
    }
  });

  it('a refusal about no one field is beside the Run button, in view, focused, with the hint', async () => {
    const name = uniq('nu-dup');
    made.push(name);
    const before = count();
    const volumes = docker.cli(['volume', 'ls', '-q']);
    const dialog = await openRun(name);
    await dialog.getByLabel('CPUs').fill('512'); // more than any machine here has: the engine refuses, about no one field
    await dialog.evaluate((el) => el.scrollTo(0, 0)); // at the top of the long form, Run in the footer below
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    const message = dialog.locator('footer').getByRole('alert');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/range of CPUs/i);
    expect(await message.locator('.hint').textContent()).toBe('Check the values you entered.'); // the hint, not only the engine's words
    expect(await inView(dialog, message, false)).toBe(true);
    expect((await focused()).cls).toContain('form-error');
    expect(await dialog.getByRole('button', { name: 'Run', exact: true }).getAttribute('aria-describedby')).toBe((await focused()).id);
    await shot('general-refusal');
    expect(count()).toBe(before);
    expect(docker.cli(['volume', 'ls', '-q'])).toBe(volumes);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a refusal about a field further down is scrolled to and focused, in its words', async () => {
    const name = uniq('nu-cap');
    made.push(name);
    const before = count();
    const dialog = await openRun(name);
    await dialog.getByLabel('Add capabilities', { exact: true }).fill('CAP_NO_SUCH_THING');
    await dialog.evaluate((el) => el.scrollTo(0, 0));
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    const message = dialog.getByRole('alert').filter({ hasText: /unknown capability/ });
    await message.waitFor();
    await expect.poll(() => inView(dialog, message)).toBe(true);
    expect(await focused()).toMatchObject({ id: 'run-capAdd' });
    expect(count()).toBe(before);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a bad .env file is named line by line, adds nothing and holds Run back; a good one adds its rows', async () => {
    const bad = join(dir, 'bad.env');
    const binary = join(dir, 'tool.env');
    const good = join(dir, 'app.env');
    writeFileSync(bad, 'GOOD=1\nexport X=1\nFLAG\n');
    writeFileSync(binary, readFileSync(process.execPath).subarray(0, 64 * 1024)); // a real binary, picked by mistake
    writeFileSync(good, '# app\nGREETING=hello world\nEMPTY=\nDB_URL=postgres://u:p@h/db?a=b\n');
    const name = uniq('nu-env');
    made.push(name);
    const before = count();
    const dialog = await openRun(name);
    const file = dialog.getByLabel('Env file', { exact: true });

    await file.setInputFiles(bad);
    const problems = dialog.getByLabel('Problems in the env file');
    await problems.waitFor();
    expect(await problems.locator('li').allTextContents()).toEqual([expect.stringMatching(/^line 2: "export X=1"/), expect.stringMatching(/^line 3: "FLAG" has no "="/)]);
    expect(await inView(dialog, problems)).toBe(true);
    expect(await dialog.getByLabel(/^Variable \d+ name$/).count()).toBe(0); // nothing of it was added
    await shot('env-file-bad');

    await scrollToEnd(dialog);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'bad.env has errors' }).waitFor();
    expect(await inView(dialog, problems)).toBe(true);
    expect(await focused()).toMatchObject({ label: 'Env file' });
    expect(await file.getAttribute('aria-invalid')).toBe('true');
    expect(count()).toBe(before); // Run refused: it would have started without the variables

    await file.setInputFiles(binary);
    await poll(() => problems.locator('li').allTextContents()).toEqual(['this is not a text file (it is not UTF-8)']);

    await dialog.getByRole('button', { name: 'Remove tool.env' }).click();
    expect(await problems.count()).toBe(0);
    expect(await file.inputValue()).toBe(''); // the picker no longer names it either
    await file.setInputFiles(good);
    await dialog.getByText('Added 3 variables from app.env.').waitFor();
    expect(await dialog.getByLabel('Variable 1 name').inputValue()).toBe('GREETING');
    expect(await dialog.getByLabel('Variable 1 value').inputValue()).toBe('hello world');
    expect(await dialog.getByLabel('Variable 3 value').inputValue()).toBe('postgres://u:p@h/db?a=b');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const env = JSON.parse(docker.cli(['inspect', '-f', '{{json .Config.Env}}', name])) as string[];
    expect(env).toEqual(expect.arrayContaining(['GREETING=hello world', 'EMPTY=', 'DB_URL=postgres://u:p@h/db?a=b']));
  });

  it('removing a container from its own page goes back to the list; one removed with the CLI says so', async () => {
    const mine = uniq('nu-own');
    const theirs = uniq('nu-cli');
    made.push(mine, theirs);
    docker.cli(['create', '--name', mine, TEST_IMAGE]);
    docker.cli(['run', '-d', '--name', theirs, TEST_IMAGE, 'sh', '-c', 'echo last words; sleep 600']);
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name: mine, exact: true }).click();
    await ui.page.getByRole('heading', { name: mine }).waitFor();
    await ui.page.locator('.detail header').getByRole('button', { name: 'Remove' }).click();
    const confirm = ui.page.getByRole('dialog', { name: 'Remove 1 container?' });
    expect(await confirm.locator('.dialog-body p').textContent()).toBe(`${mine} will be deleted with its writable layer. This cannot be undone.`);
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await ui.page.getByRole('heading', { name: /^Containers/ }).waitFor(); // back on the list
    expect(await ui.page.getByRole('heading', { name: mine }).count()).toBe(0);
    expect(docker.try(['inspect', mine]).status).not.toBe(0);

    await row(theirs).getByRole('button', { name: theirs, exact: true }).click();
    await ui.page.getByRole('log').getByText('last words').waitFor();
    docker.cli(['rm', '-f', theirs]);
    const gone = ui.page.getByRole('status').filter({ hasText: `${theirs} no longer exists` });
    await gone.waitFor();
    expect(await ui.page.getByRole('log').getByText('last words').count()).toBe(1); // what was read stays
    await poll(() => ui.page.locator('.log-status').textContent()).toBe('1 line · stream ended');
    expect(await ui.page.locator('.detail header').getByRole('button', { name: 'Remove' }).count()).toBe(0);
    await shot('removed-elsewhere');
    await gone.getByRole('button', { name: 'Back to containers' }).click();
    await ui.page.getByRole('heading', { name: /^Containers/ }).waitFor();
  });

  it('the inspect summary keeps the restart maximum, counts restarts, types tmpfs mounts and quotes the command', async () => {
    const name = uniq('nu-insp');
    made.push(name);
    docker.cli([
      'run',
      '-d',
      '--name',
      name,
      '--restart',
      'on-failure:3',
      '--tmpfs',
      '/tmp:rw,size=64m',
      '--mount',
      'type=tmpfs,dst=/cache,tmpfs-size=1048576',
      '--memory',
      '64m',
      TEST_IMAGE,
      'sh',
      '-c',
      'exit 1',
    ]);
    await waitFor(() => docker.cli(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', name]) === '3 exited', 30_000, 'three restarts');
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name, exact: true }).click();
    await ui.page.getByRole('tab', { name: 'Inspect' }).click();
    const summary = ui.page.getByLabel('Summary');
    const value = (label: string) =>
      summary
        .locator('div')
        .filter({ has: ui.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
        .locator('dd div');
    await value('Command').waitFor();
    expect(await value('Command').allTextContents()).toEqual([`sh -c 'exit 1'`]);
    await poll(() => value('Restart count').allTextContents()).toEqual(['3']);
    expect(await value('Restart policy').allTextContents()).toEqual(['on-failure:3']);
    expect(await value('Mounts').allTextContents()).toEqual(['tmpfs → /cache (size 1.00 MiB)', 'tmpfs → /tmp (rw,size=64m)']);
    expect(await value('Limits').allTextContents()).toEqual(['memory 64.0 MiB']);
    await summary.screenshot({ path: `${ARTIFACTS}/e2e-new-user-inspect.png` });
  });

  it('asks about several containers in the plural, with their names', async () => {
    const names = [uniq('nu-many'), uniq('nu-many'), uniq('nu-many')];
    made.push(...names);
    for (const n of names) docker.cli(['create', '--name', n, TEST_IMAGE]);
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    for (const n of names) await row(n).getByRole('checkbox').check();
    await ui.page.getByLabel('Selected containers').getByRole('button', { name: 'Remove' }).click();
    const confirm = ui.page.getByRole('dialog', { name: 'Remove 3 containers?' });
    expect(await confirm.locator('.dialog-body p').textContent()).toBe(`3 containers will be deleted with their writable layers: ${names.join(', ')}. This cannot be undone.`);
    expect(await confirm.getByLabel('Force: stop running containers first').count()).toBe(1);
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await ui.page.getByRole('status').filter({ hasText: 'Removed 3 containers' }).waitFor();
    for (const n of names) expect(docker.try(['inspect', n]).status).not.toBe(0);
  });

  it('raised no errors in the page', () => {
    expect(ui.pageErrors).toEqual([]);
  });
});
