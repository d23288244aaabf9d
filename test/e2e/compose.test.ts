/** Compose up from a file and down from the project bar, in Chromium; a broken file keeps the dialog open with the reason. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const poll = (fn: () => unknown, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

function projectDir(compose: string): string {
  const dir = join(tempDir('compose-e2e'), uniq('app').replace(/[^a-z0-9-]/g, ''));
  mkdirSync(dir);
  writeFileSync(join(dir, 'compose.yaml'), compose);
  return dir;
}

describe('compose in Chromium', () => {
  it('brings a project up from its file and takes it down from the project bar', async () => {
    const svc = `    image: ${TEST_IMAGE}\n    pull_policy: never\n    stop_signal: SIGKILL\n    command: ["sleep", "600"]\n`;
    const dir = projectDir(`services:\n  api:\n${svc}  db:\n${svc}`);
    const project = uniq('shop').replace(/[^a-z0-9-]/g, '');
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await ui.page.getByRole('button', { name: 'Compose up…' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Compose up' });
    await dialog.getByText(/Runs `docker.*compose up -d` \(Compose 2\./).waitFor();
    await dialog.getByLabel('Compose file or its folder').fill(dir);
    await dialog.getByLabel('Project name').fill(project);
    await dialog.getByRole('button', { name: 'Up' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const bar = ui.page.getByLabel(`Project ${project}`);
    await poll(() => bar.textContent()).toContain('2/2 running');
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-compose.png` });

    await bar.getByRole('button', { name: 'Down' }).click();
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Down' }).click();
    await bar.waitFor({ state: 'detached', timeout: 30_000 });
    await ui.page.getByText(`Took down ${project}`).waitFor({ timeout: 30_000 }); // compose is done (networks go last)
    expect(docker.cli(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '-q'])).toBe('');
  });

  it('two files in order and a profile read from them: the project as the files say together', async () => {
    const svc = (extra = '') => `    image: ${TEST_IMAGE}\n    pull_policy: never\n    stop_signal: SIGKILL\n    command: ["sleep", "600"]\n${extra}`;
    const dir = projectDir(`services:\n  api:\n${svc('    environment: [LEVEL=base]\n')}  debug:\n${svc('    profiles: [debug]\n')}  tool:\n${svc('    profiles: [tools]\n')}`);
    const override = join(dir, '-dev override.yaml');
    writeFileSync(override, `services:\n  api:\n    environment: [LEVEL=override]\n`);
    const project = uniq('multi').replace(/[^a-z0-9-]/g, '');
    await ui.page.getByRole('button', { name: 'Compose up…' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Compose up' });
    await dialog.getByLabel('Compose file or its folder').fill(dir);
    await dialog.getByRole('button', { name: '+ Add a file' }).click();
    await dialog.getByRole('combobox', { name: 'Compose file 2' }).fill(override);
    await dialog.getByRole('checkbox', { name: 'tools' }).waitFor(); // read from both files once typing paused
    await dialog.getByRole('checkbox', { name: 'debug' }).check();
    await dialog.getByLabel('Project name').fill(project);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-compose-files-profiles.png` });
    await dialog.getByRole('button', { name: 'Up' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    const bar = ui.page.getByLabel(`Project ${project}`);
    await poll(() => bar.textContent()).toContain('2/2 running');
    const services = docker
      .cli(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Label "com.docker.compose.service"}}'])
      .split('\n')
      .sort();
    expect(services).toEqual(['api', 'debug']);
    expect(docker.cli(['inspect', '--format', '{{json .Config.Env}}', `${project}-api-1`])).toContain('LEVEL=override');
    // Its services as Compose sees them, with the files and profile it was brought up with; a removed container's service says "not created".
    await bar.getByRole('button', { name: `Compose services of ${project}`, exact: true }).click();
    const info = ui.page.getByRole('dialog', { name: `Compose project ${project}` });
    const table = info.getByRole('table', { name: `Services of ${project}` });
    await poll(() => table.locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/^api\s*running\s*1/), expect.stringMatching(/^debug\s*running\s*1/)]);
    expect(await info.getByRole('list', { name: 'Compose files' }).locator('li').allTextContents()).toEqual([join(dir, 'compose.yaml'), override]);
    await info.getByText('Profiles: debug').waitFor();
    docker.cli(['rm', '-f', `${project}-debug-1`]);
    await poll(() => table.locator('tbody tr').allTextContents()).toEqual([expect.stringMatching(/^api\s*running/), expect.stringMatching(/^debug\s*not created\s*0/)]);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-compose-services.png` });
    await info.getByRole('button', { name: 'Close' }).click();
    await bar.getByRole('button', { name: 'Down' }).click();
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Down' }).click();
    await ui.page.getByText(`Took down ${project}`).waitFor({ timeout: 30_000 });
    expect(docker.cli(['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '-q'])).toBe('');
  });

  it('a broken compose file keeps the dialog open with Compose’s reason and the input kept', async () => {
    const dir = projectDir('services: [not, a, map');
    await ui.page.getByRole('button', { name: 'Compose up…' }).click();
    const dialog = ui.page.getByRole('dialog', { name: 'Compose up' });
    await dialog.getByLabel('Compose file or its folder').fill(dir);
    await dialog.getByRole('button', { name: 'Up' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/The compose files do not load: .*compose\.yaml: yaml: line 1/)
      .waitFor({ timeout: 30_000 });
    await dialog
      .getByText(/compose\.yaml: yaml: line 1/, { exact: false })
      .first()
      .waitFor(); // the profiles say it too
    expect(await dialog.getByLabel('Compose file or its folder').inputValue()).toBe(dir);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-compose-error.png` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(ui.pageErrors).toEqual([]);
  });
});
