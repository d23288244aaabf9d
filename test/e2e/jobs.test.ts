/**
 * Background jobs in Chromium against the real engine, at real sizes (a 50 MB image): a save and a
 * pull go on with their dialog closed and show in the Jobs panel with their progress; one is
 * cancelled (nothing downloaded, its stream over), a pull is shown again in its dialog, a push a
 * registry refused is retried after logging in, compose up goes on after Escape (and a cancelled
 * one leaves no container), and a container export is listed. Streams the test holds wait on a
 * gate it opens, so each state is seen for sure, not raced.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerProgress } from '../../electron/shared/models';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, madeByFile, TEST_DATA_DIR, uniq } from '../support/engine';
import { startRegistry, type Registry } from '../support/registry';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const MB = 1024 * 1024;
const docker = engine();
const made = madeByFile();
const poll = (fn: () => unknown, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A stream the test holds: its chunks stop once `holdAfter` says so, and its end waits too, until `open()`. */
interface Gate {
  name: string;
  holdAfter: (chunk: unknown) => boolean;
  open: () => void;
  opened: Promise<void>;
}
let gate: Gate | undefined;
function hold(name: string, holdAfter: Gate['holdAfter'] = () => false): Gate {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return (gate = { name, holdAfter, open, opened });
}
/** Streams open on the server, by name (one is over once its `done` resolved). */
const live = new Map<string, number>();
const count = (name: string, d: number) => live.set(name, (live.get(name) ?? 0) + d);

const ui = openDashboard(
  { width: 1280, height: 900 },
  {
    router: (r) => ({
      handle: r.handle,
      openStream: (name, args, write) => {
        const g = gate?.name === name ? gate : undefined;
        let held = false;
        const s = r.openStream(name, args, async (chunk) => {
          await write(chunk);
          if (g && (held ||= g.holdAfter(chunk))) await g.opened;
        });
        count(name as string, 1);
        const done = s.done.then(async (e) => {
          count(name as string, -1);
          if (g) await g.opened;
          return e;
        });
        return { ...s, done };
      },
    }),
  },
);

let registry: Registry;
let big: string; // a 50 MB image of its own
beforeAll(async () => {
  registry = await startRegistry({ username: 'berth', password: 'jobs-s3cret' });
  const dir = mkdtempSync(join(tmpdir(), 'berth-e2e-jobs-big-')); // a hook's folder: removed once built
  writeFileSync(join(dir, 'blob'), randomBytes(50 * MB));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY blob /blob\n`);
  big = `${registry.address}/berth/jobs:${uniq('t')}`;
  try {
    docker.cli(['build', '-q', '-t', big, dir]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  docker.try(['rmi', big]);
  await registry?.stop();
});

const nav = (name: RegExp) => ui.page.locator('nav').getByRole('button', { name });
const jobRow = (title: string) => ui.page.getByRole('table', { name: 'Jobs' }).getByRole('row', { name: new RegExp(`^Job \\d+: ${esc(title)}$`) });
const imageRow = (ref: string) => ui.page.getByRole('row', { name: new RegExp(esc(ref)) });

describe('background jobs in Chromium', () => {
  it('a 50 MB save goes on with its dialog closed, shows its bytes in the Jobs panel, and is cancelled there: nothing downloaded, its stream over', async () => {
    const downloads: string[] = [];
    ui.page.on('download', (d) => downloads.push(d.suggestedFilename()));
    const g = hold('images.save', (chunk) => (chunk as Uint8Array).byteLength > 0); // after its first bytes
    await nav(/^Images/).click();
    await imageRow(big)
      .getByRole('button', { name: /^Save .*…$/ })
      .click();
    const save = ui.page.getByRole('dialog', { name: 'Save image' });
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.getByText(/received$/).waitFor();
    await ui.page.keyboard.press('Escape'); // closing never cancels
    await save.waitFor({ state: 'detached' });
    await nav(/^Jobs/).getByText('1').waitFor(); // the running count
    await nav(/^Jobs/).click();
    const row = jobRow(`Saving ${big}`);
    await row.getByText(/\d+(\.\d+)? (B|KiB|MiB)/).waitFor();
    await row.getByText('running', { exact: true }).waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-jobs-running.png` });
    await row.getByRole('button', { name: /^Cancel job/ }).click();
    const ended = jobRow(`The save of ${big} was cancelled`);
    await ended.getByText('cancelled', { exact: true }).waitFor();
    expect(await ended.getByRole('button', { name: /^Retry job/ }).count()).toBe(1);
    g.open();
    await poll(() => live.get('images.save')).toBe(0);
    expect(downloads).toEqual([]);
    expect(await ui.page.getByRole('alert').filter({ hasText: 'The save of' }).count()).toBe(0); // a cancel says nothing more
  });

  it('a push the registry refuses is said in a toast with its dialog closed (in the dialog open then), and Retry pushes it after a login; a pull is shown again with its layers', async () => {
    const g = hold('images.push'); // its end waits until the dialog is closed
    await nav(/^Images/).click();
    await imageRow(big)
      .getByRole('button', { name: /^Push .*…$/ })
      .click();
    const push = ui.page.getByRole('dialog', { name: 'Push image' });
    await push.getByRole('button', { name: 'Push', exact: true }).click();
    await ui.page.keyboard.press('Escape');
    await push.waitFor({ state: 'detached' });
    // It fails while another dialog is open: the toast is shown in that dialog, where it can be read and
    // dismissed (the page behind a modal dialog is inert).
    await ui.page.getByRole('button', { name: /Registries/ }).click();
    const logins = ui.page.getByRole('dialog', { name: 'Registries' });
    await logins.getByLabel('Registry').waitFor();
    g.open();
    const toast = logins.getByRole('alert').filter({ hasText: `The push of ${big} failed` });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByRole('button', { name: 'Dismiss' }).click();
    await toast.waitFor({ state: 'detached' });
    // No credential helper in the test core's docker config: said as the docker CLI says it.
    await logins
      .getByRole('note', { name: 'Stored unencrypted' })
      .getByText(/^Your password will be stored unencrypted in .*config\.json/)
      .waitFor();
    // A registry with a helper of its own (credHelpers) is said as kept by it, once typed.
    const configFile = join(TEST_DATA_DIR, 'docker-config', 'config.json');
    const before = existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined;
    mkdirSync(dirname(configFile), { recursive: true });
    writeFileSync(configFile, JSON.stringify({ ...(before ? (JSON.parse(before) as object) : {}), credHelpers: { 'secure.example.com': 'pass' } }));
    await logins.getByLabel('Registry').fill('secure.example.com');
    await logins.getByText(/^Logins are checked with the registry, then kept by docker-credential-pass \(named in .*config\.json\)/).waitFor();
    expect(await logins.getByRole('note', { name: 'Stored unencrypted' }).count()).toBe(0);
    if (before === undefined) rmSync(configFile);
    else writeFileSync(configFile, before);
    await logins.getByLabel('Registry').fill(registry.address);
    await logins.getByRole('note', { name: 'Stored unencrypted' }).waitFor();
    await logins.getByLabel('Username').fill('berth');
    await logins.getByLabel('Password or token').fill('jobs-s3cret');
    await logins.getByRole('button', { name: 'Log in' }).click();
    await logins.getByLabel('Logins').getByText(registry.address).waitFor();
    await logins.getByLabel('Logins').getByText('(unencrypted in config.json)').waitFor();
    expect(await logins.getByLabel('Password or token').inputValue()).toBe('');
    await logins.getByRole('button', { name: 'Cancel' }).click();
    await nav(/^Jobs/).click();
    const failed = jobRow(`The push of ${big} failed`);
    await failed.getByText('failed', { exact: true }).waitFor();
    expect(await failed.textContent()).toMatch(/auth|credentials|unauthorized/i);
    await failed.getByRole('button', { name: /^Retry job/ }).click(); // the same push again
    await jobRow(`Pushed ${big}`).getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
    await ui.page
      .getByRole('status')
      .filter({ hasText: `Pushed ${big}` })
      .waitFor();
    expect(await failed.count()).toBe(1); // the failed one stays listed

    // A pull of the 50 MB layer, held after its first progress: listed with a percent, shown again in its dialog.
    docker.cli(['rmi', big]);
    const hasTotal = (chunk: unknown) => (chunk as LayerProgress[]).some((p) => p.total && p.current);
    const p = hold('images.pull', hasTotal);
    await nav(/^Images/).click();
    await ui.page.getByRole('button', { name: 'Pull…' }).click();
    const pull = ui.page.getByRole('dialog', { name: 'Pull image' });
    await pull.getByLabel('Image reference').fill(big);
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await ui.page.keyboard.press('Escape');
    await nav(/^Jobs/).click();
    const pulling = jobRow(`Pulling ${big}`);
    await pulling.getByText(/^\d+ % · /).waitFor({ timeout: 30_000 });
    expect(Number(await pulling.getByRole('progressbar').getAttribute('value'))).toBeLessThan(100);
    await pulling.getByRole('button', { name: /^Show job/ }).click();
    await pull.getByLabel('Layers').waitFor();
    expect(await pull.getByLabel('Image reference').inputValue()).toBe(big);
    p.open();
    await pull.getByRole('status').getByText('Done').waitFor({ timeout: 60_000 });
    expect(await pull.getByLabel('Total progress').getAttribute('value')).toBe('100');
    await pull.getByRole('button', { name: 'Cancel' }).click();
    await jobRow(`Pulled ${big}`).getByText('done', { exact: true }).waitFor();
    expect(docker.try(['image', 'inspect', big]).status).toBe(0);
  });

  it('compose up goes on after Escape; a cancelled up of a new project leaves no container', async () => {
    // Up waits for db's health check, which passes only once the test makes /tmp/ready.
    const compose = (project: string) => {
      const dir = join(tempDir('e2e-jobs-compose'), project);
      mkdirSync(dir);
      const svc = `    image: ${TEST_IMAGE}\n    pull_policy: never\n    stop_signal: SIGKILL\n    command: ["sleep", "600"]\n`;
      writeFileSync(
        join(dir, 'compose.yaml'),
        `services:\n  db:\n${svc}    healthcheck:\n      test: ["CMD", "test", "-f", "/tmp/ready"]\n      interval: 1s\n      retries: 600\n  api:\n${svc}    depends_on:\n      db:\n        condition: service_healthy\n`,
      );
      return dir;
    };
    const ps = (project: string) =>
      docker
        .cli(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project}`])
        .split('\n')
        .filter(Boolean);
    const up = async (project: string, dir: string) => {
      await nav(/^Containers/).click();
      await ui.page.getByRole('button', { name: 'Compose up…' }).click();
      const dialog = ui.page.getByRole('dialog', { name: 'Compose up' });
      await dialog.getByText(/Runs `docker.*compose up -d`/).waitFor();
      await dialog.getByLabel('Compose file or its folder').fill(dir);
      await dialog.getByLabel('Project name').fill(project);
      await dialog.getByRole('button', { name: 'Up' }).click();
      await dialog.getByRole('button', { name: 'Cancel compose up' }).waitFor();
      await ui.page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    };

    const kept = uniq('jobsup').replace(/[^a-z0-9-]/g, '');
    const keptDir = compose(kept);
    await up(kept, keptDir);
    await poll(() => ps(kept).length).toBeGreaterThan(0); // compose goes on: db is made
    await nav(/^Jobs/).click();
    await jobRow(`Compose up of ${kept} (${keptDir})`).getByText('running', { exact: true }).waitFor();
    docker.cli(['exec', `${kept}-db-1`, 'touch', '/tmp/ready']);
    await jobRow(`Compose project is up: ${kept} (${keptDir})`).getByText('done', { exact: true }).waitFor({ timeout: 60_000 });
    await ui.page
      .getByRole('status')
      .filter({ hasText: `Compose project is up: ${kept}` })
      .waitFor();
    expect(
      docker
        .cli(['ps', '-q', '--filter', `label=com.docker.compose.project=${kept}`])
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(2);
    docker.cli(['rm', '-f', ...ps(kept)]);
    docker.try(['network', 'rm', `${kept}_default`]);

    const dropped = uniq('jobscancel').replace(/[^a-z0-9-]/g, '');
    const droppedDir = compose(dropped);
    await up(dropped, droppedDir);
    await poll(() => ps(dropped).length).toBeGreaterThan(0);
    await nav(/^Jobs/).click();
    await jobRow(`Compose up of ${dropped} (${droppedDir})`)
      .getByRole('button', { name: /^Cancel job/ })
      .click();
    await jobRow(`The compose up of ${dropped} (${droppedDir}) was cancelled`).getByText('cancelled', { exact: true }).waitFor();
    await poll(() => ps(dropped).length).toBe(0); // taken down again: nothing left
    expect(docker.cli(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${dropped}`])).toBe('');
    await poll(() => live.get('compose.up')).toBe(0);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-jobs-panel.png` });
  });

  it('a container’s filesystem export is listed in the Jobs panel with its size', async () => {
    const name = uniq('e2e-jobs-export');
    made.push(name);
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).click();
    await ui.page.getByRole('tab', { name: 'Files' }).click();
    const [download] = await Promise.all([ui.page.waitForEvent('download', { timeout: 30_000 }), ui.page.getByRole('button', { name: 'Export filesystem' }).click()]);
    expect(download.suggestedFilename()).toBe(`${name}.tar`);
    await nav(/^Jobs/).click();
    const row = jobRow(`Exported ${name} (its whole filesystem)`);
    await row.getByText('done', { exact: true }).waitFor();
    expect(await row.textContent()).toMatch(/\d+(\.\d+)? (KiB|MiB)/);
    expect(ui.pageErrors).toEqual([]);
  });
});
