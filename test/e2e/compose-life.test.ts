/** A compose project's service restarted, and its watch started and stopped, from the project dialog in Chromium. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const poll = (fn: () => unknown, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });
const processesOf = (p: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(p) && !l.startsWith('ps ')).length;

describe('compose lifecycle in Chromium', () => {
  it('restarts one service, starts a watch that syncs a changed file, and stops it', async () => {
    const project = uniq('life').replace(/[^a-z0-9-]/g, '');
    const dir = join(tempDir('compose-life-e2e'), project);
    mkdirSync(join(dir, 'src'), { recursive: true });
    const image = `${project}-app:1`;
    const file = {
      services: {
        web: { image: TEST_IMAGE, pull_policy: 'never', stop_signal: 'SIGKILL', command: ['sleep', '600'] },
        app: { build: { context: '.' }, image, stop_signal: 'SIGKILL', command: ['sleep', '600'], develop: { watch: [{ action: 'sync', path: './src', target: '/app' }] } },
      },
    };
    writeFileSync(join(dir, 'compose.yaml'), JSON.stringify(file, null, 2));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY src /app\n`);
    writeFileSync(join(dir, 'src', 'hello.txt'), 'one\n');
    const pageErrors: string[] = [];
    ui.page.on('pageerror', (e) => pageErrors.push(e.message));
    try {
      // Brought up outside Berth: the dialog runs Compose with the files its containers' labels name.
      docker.cli(['compose', '--file', join(dir, 'compose.yaml'), '--project-name', project, 'up', '--detach', '--build']);
      await ui.page
        .locator('nav')
        .getByRole('button', { name: /^Containers/ })
        .click();
      const bar = ui.page.getByLabel(`Project ${project}`);
      await poll(() => bar.textContent()).toContain('2/2 running');
      await bar.getByRole('button', { name: `Compose services of ${project}`, exact: true }).click();
      const dialog = ui.page.getByRole('dialog', { name: `Compose project ${project}` });

      const before = docker.cli(['inspect', '-f', '{{.State.StartedAt}}', `${project}-web-1`]);
      await dialog.getByRole('button', { name: 'Restart service web' }).click();
      await dialog.getByRole('status').getByText('compose restart web: done.').waitFor({ timeout: 30_000 });
      expect(docker.cli(['inspect', '-f', '{{.State.StartedAt}}', `${project}-web-1`])).not.toBe(before);
      await poll(() => dialog.getByLabel('Compose output').textContent()).toMatch(/web-1\s+Started/);

      await dialog.getByRole('button', { name: 'Watch', exact: true }).click();
      await poll(() => dialog.getByLabel('Watch output').textContent(), 60_000).toContain('Watch enabled');
      writeFileSync(join(dir, 'src', 'hello.txt'), 'two\n');
      await poll(() => docker.cli(['exec', `${project}-app-1`, 'cat', '/app/hello.txt'])).toBe('two');
      await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-compose-watch.png` });
      await dialog.getByRole('button', { name: 'Stop watch' }).click();
      await dialog.getByText('compose watch stopped.').waitFor();
      await poll(() => processesOf(project)).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      docker.cli(['compose', '--file', join(dir, 'compose.yaml'), '--project-name', project, 'down']);
      docker.cli(['rmi', '-f', image]);
    }
  });
});
