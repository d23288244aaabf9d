/**
 * A hung engine in Chromium: the banner says the engine is not answering (in words, with its
 * address) once a request meets it, the page stays usable, and all is back by itself after SIGCONT.
 * The shared dockerd is continued in a finally whatever happens.
 */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine } from '../support/engine';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 760 });
const list = (args: string[]) => docker.cli(args).split('\n').filter(Boolean).sort();
const inventory = () => ({
  containers: list(['ps', '-aq', '--no-trunc']),
  images: list(['images', '-aq', '--no-trunc']),
  networks: list(['network', 'ls', '-q', '--no-trunc']),
  volumes: list(['volume', 'ls', '-q']),
});
const nav = (label: string) => ui.page.locator('nav').getByRole('button', { name: new RegExp(`^${label}`) });

describe('a hung engine in the UI', () => {
  it('shows "The engine at … is not answering", then recovers by itself', async () => {
    const before = inventory();
    await nav('Containers').click();
    await ui.page.locator('.engine-footer', { hasText: 'Engine ' }).waitFor();
    const pid = docker.pid();
    if (!pid) throw new Error('the shared dockerd is not running');
    const banner = ui.page.getByRole('alert').filter({ hasText: 'is not answering' });
    try {
      process.kill(pid, 'SIGSTOP');
      await nav('Disk usage').click(); // asks the engine for its figures: the request that notices
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.textContent()).toMatch(new RegExp(`The engine at ${docker.dockerHost} is not answering: no answer to 2 pings in a row, each given 3 s .*recovers by itself`));
      expect(await ui.page.locator('.engine-footer').textContent()).toMatch(/Engine not answering/);
      await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-engine-not-answering.png` });
      await nav('Volumes').click(); // the page stays usable meanwhile
      await ui.page.getByRole('heading', { name: 'Volumes' }).waitFor();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await ui.page.locator('.engine-footer').textContent()).toMatch(/^Engine \d+\./);
    expect(ui.pageErrors).toEqual([]);
    expect(inventory()).toEqual(before);
  }, 60_000);
});
