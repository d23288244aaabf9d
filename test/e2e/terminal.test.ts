/** Exec terminals in Chromium: type a command, see its output, resize, switch away and back. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const pageErrors = ui.pageErrors;
const poll = (fn: () => Promise<unknown>, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });
const screen = () => ui.page.locator('.xterm-rows').innerText();
/** What `stty size` last printed (rows, cols), if it is on screen. */
const size = async () => {
  const all = [...(await screen()).matchAll(/(?:^|\n)(\d+) (\d+)\n/g)].at(-1);
  return all ? [Number(all[1]), Number(all[2])] : undefined;
};

async function openTerminal(name: string): Promise<void> {
  await ui.page
    .locator('nav')
    .getByRole('button', { name: /^Containers/ })
    .click();
  await ui.page.getByRole('button', { name, exact: true }).click();
  await ui.page.getByRole('tab', { name: 'Terminal' }).click();
  await ui.page.locator('.xterm-rows').waitFor();
}

describe('exec terminal in Chromium', () => {
  it('runs what is typed, follows the window size, and keeps the screen across tab switches', async () => {
    const name = uniq('e2e-term');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    await openTerminal(name);
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('echo "hi-$((40+2))"');
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain('hi-42');

    await ui.page.keyboard.type('stty size');
    await ui.page.keyboard.press('Enter');
    await poll(size).toBeDefined();
    const [rows1, cols1] = (await size())!;
    await ui.page.setViewportSize({ width: 900, height: 600 });
    await ui.page.waitForTimeout(300);
    await ui.page.keyboard.type('clear; stty size');
    await ui.page.keyboard.press('Enter');
    await poll(async () => (await size()) ?? [rows1, cols1]).not.toEqual([rows1, cols1]);
    const [rows2, cols2] = (await size())!;
    expect(cols2).toBeLessThan(cols1!);
    expect(rows2).toBeLessThan(rows1!);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-terminal.png` });

    await ui.page.getByRole('tab', { name: 'Logs' }).click();
    await ui.page.getByRole('tab', { name: 'Terminal' }).click();
    await poll(size).toEqual([rows2, cols2]); // replayed: the same session, screen restored
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('echo still-$((1+1))');
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain('still-2');
    await ui.page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens a terminal with the command, user and folder chosen; the size is right at once', async () => {
    const name = uniq('e2e-choice');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    await openTerminal(name);
    const options = ui.page.getByRole('form', { name: 'Terminal options' });
    await options.getByLabel('Command').fill(`sh -c 'stty size; echo "uid=$(id -u) pwd=$(pwd)"; exec sh'`);
    await options.getByLabel('User').fill('1234');
    await options.getByLabel('Working folder').fill('/tmp');
    await options.getByRole('button', { name: 'Open a new terminal' }).click();
    await poll(screen).toContain('uid=1234 pwd=/tmp');
    const [rows, cols] = (await size())!; // printed before anything could resize it
    expect(rows).toBeGreaterThan(10);
    expect(cols).toBeGreaterThan(60);
    expect(await ui.page.locator('.terminal-tab .log-toolbar .muted').first().textContent()).toContain('as 1234 in /tmp');
    // A bad option is said there and nothing is started.
    await options.getByLabel('Working folder').fill('tmp');
    await options.getByRole('button', { name: 'Open a new terminal' }).click();
    await options.getByRole('alert').filter({ hasText: 'Working folder: must be an absolute path' }).waitFor();
    await poll(screen).toContain('uid=1234 pwd=/tmp'); // the running one goes on
    // Ended: it says so and offers a new session.
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('exit');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByText('The shell exited.').waitFor();
    await ui.page.getByRole('button', { name: 'New session' }).click();
    await poll(screen).toContain('uid=1234 pwd=/tmp'); // the same choice again
  });

  it('keeps terminals of two containers apart, and says when the shell has exited', async () => {
    const a = uniq('e2e-ta');
    const b = uniq('e2e-tb');
    for (const n of [a, b]) docker.cli(['run', '-d', '--name', n, '--hostname', n.replace(/[^a-z0-9-]/g, ''), TEST_IMAGE, 'sleep', '600']);
    await openTerminal(a);
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('hostname');
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain(a);
    await openTerminal(b);
    expect(await screen()).not.toContain(a);
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('exit');
    await ui.page.keyboard.press('Enter');
    await ui.page.getByText('The shell exited.').waitFor();
    await ui.page.getByRole('button', { name: 'New session' }).click();
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type('hostname');
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain(b);
    await openTerminal(a);
    await poll(screen).toContain(a); // a's session was still there
  });

  it('the host terminal runs the docker CLI against the same engine', async () => {
    const name = uniq('e2e-hostcli');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await ui.page.locator('nav').getByRole('button', { name: 'Terminal' }).click();
    await ui.page.locator('.xterm-rows').waitFor();
    await ui.page.locator('.xterm').click();
    await ui.page.keyboard.type("docker ps -a --format 'name={{.Names}}'");
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain(`name=${name}`);
    await ui.page.keyboard.type('echo "engine=$DOCKER_HOST"');
    await ui.page.keyboard.press('Enter');
    await poll(screen).toContain(`engine=${docker.dockerHost}`);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-host-terminal.png` });
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
