/**
 * The Swarm page in Chromium, on two real engines in namespaces of their own (support/swarm-cluster):
 * a swarm made at the address typed, the join tokens masked until shown, the second engine added
 * in a click, a service run from the Run dialog and its logs merged over both nodes, a node drained
 * and labelled, a refused removal said, and the swarm left.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, startSwarmMachines, type SwarmMachines } from '../support/swarm-cluster';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;
let server: RunningServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

describe('the Swarm page', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(2);
    core = testCore(cluster.machines[0]!.engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    const added = await core.router.handle('contexts.add', { name: 'node2', host: cluster.machines[1]!.engine.dockerHost });
    if (!added.ok) throw new Error(added.error.message);
    server = await startServer({ router: core.router, hub: core.hub, staticDir: 'dist/renderer' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await endSwarmTest(core, cluster, ['node2']);
  }, 120_000);

  it('makes a swarm, shows its tokens when asked, adds the other engine, drains and labels it, and leaves', async () => {
    const [one, two] = cluster.machines;
    await page
      .locator('nav')
      .getByRole('button', { name: /^Swarm/ })
      .click();
    const state = page.getByLabel('Swarm state');
    await state.getByText('default is not in a swarm.').waitFor();

    const make = page.getByRole('form', { name: 'Make a swarm' });
    await make.getByLabel('Advertise address').fill('nosuchif0');
    await make.getByRole('button', { name: 'Make a swarm' }).click();
    await make
      .getByRole('alert')
      .getByText(/The swarm could not be made with the advertise address nosuchif0/)
      .waitFor();
    await make.getByLabel('Advertise address').fill(one!.addr);
    await make.getByRole('button', { name: 'Make a swarm' }).click();
    await state.getByText(`default is a manager of a swarm of 1 node (1 manager), at ${one!.addr}.`).waitFor();

    const tokens = page.getByLabel('Join tokens');
    expect(await tokens.getByLabel('worker token').textContent()).toBe('SWMTKN-1-••••••••••••');
    await tokens.getByRole('button', { name: 'Show tokens' }).click();
    await expect.poll(() => tokens.getByLabel('worker token').textContent()).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    await tokens.getByText(`Managers answer at ${one!.addr}:2377.`).waitFor();
    await tokens.getByRole('button', { name: 'Hide tokens' }).click();
    expect(await tokens.getByLabel('worker token').textContent()).toBe('SWMTKN-1-••••••••••••');

    const add = page.getByRole('form', { name: 'Add an engine' });
    await add.getByLabel('Engine').selectOption('node2');
    await add.getByLabel('Its advertise address').fill(two!.addr);
    await add.getByRole('button', { name: 'Join node2' }).click();
    await page.getByRole('status').filter({ hasText: 'node2 joined the swarm' }).waitFor();
    const nodes = page.getByRole('table', { name: 'Nodes' });
    const row = nodes.getByRole('row', { name: 'node2' });
    await row.getByText('worker').waitFor();
    await state.getByText(/a swarm of 2 nodes/).waitFor();

    // A service made from the Run dialog spreads over both nodes: what does not apply to a service is said, not dropped silently.
    await page.getByRole('button', { name: 'Create a service…' }).click();
    const run = page.getByRole('dialog', { name: 'Run a swarm service' });
    expect(await run.getByLabel('Run as a swarm service (this engine is a swarm manager)').isChecked()).toBe(true);
    await run.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await run.getByLabel('Command', { exact: true }).fill(`sh -c "trap 'exit 0' TERM; while :; do echo tick; sleep 0.5; done"`);
    await run.getByLabel('Replicas').fill('2');
    await run.getByLabel('Publish ports').selectOption('host');
    await run.getByLabel('Privileged (--privileged)').check();
    await run
      .getByLabel('Fields that do not apply')
      .getByText(/^Privileged \(--privileged\): a service’s tasks cannot be privileged/)
      .waitFor();
    await run.getByRole('button', { name: 'Create service' }).click();
    await run.getByText('Name: a service needs one (its tasks are named after it).').waitFor();
    await run.getByLabel('Name', { exact: true }).fill('web');
    await run.getByRole('button', { name: 'Create service' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Service web made' })
      .getByText(/Not applied \(they do not apply to a service\): Privileged \(--privileged\)/)
      .waitFor();
    const web = page.getByRole('table', { name: 'Services' }).getByRole('row', { name: 'web' });
    await web.getByLabel('Tasks running').getByText('2/2').waitFor({ timeout: 60_000 });
    // Its logs, merged over both tasks, each line named by its task and node.
    await web.getByRole('button', { name: 'Logs of web' }).click();
    const logs = page.getByRole('region', { name: 'Logs of web' });
    for (const node of ['node1', 'node2'])
      await logs
        .getByRole('group', { name: 'Tasks in the log' })
        .getByText(new RegExp(`web\\.[12]@${node}`))
        .waitFor({ timeout: 30_000 });
    await logs
      .getByText(/web\.[12]@node2 +\| tick/)
      .first()
      .waitFor();
    await logs.getByLabel('Only the node').selectOption({ label: 'node1' });
    await expect.poll(async () => new Set((await logs.locator('.log-source').allTextContents()).map((t) => t.replace(/[●|\s]/g, '').split('@')[1])), { timeout: 30_000 }).toEqual(new Set(['node1']));
    await page.screenshot({ path: `${ARTIFACTS}/swarm-service-logs.png` });
    await logs.getByRole('button', { name: 'Close the logs of web' }).click();
    await logs.waitFor({ state: 'detached' });
    await web.getByRole('button', { name: 'Tasks of web' }).click();
    const tasks = page.getByRole('table', { name: 'Tasks of web' });
    await expect.poll(async () => (await tasks.locator('tbody tr td:nth-child(2)').allTextContents()).sort(), { timeout: 30_000 }).toEqual(['node1', 'node2']);
    await web.getByLabel('Replicas of web').fill('1');
    await web.getByRole('button', { name: 'Scale web' }).click();
    await web.getByLabel('Tasks running').getByText('1/1').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: `${ARTIFACTS}/swarm-services.png` });
    await web.getByRole('button', { name: 'Remove web' }).click();
    await page.getByRole('dialog', { name: 'Remove the service web?' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('table', { name: 'Services' }).getByText('No services yet.').waitFor();

    await row.getByRole('button', { name: 'Drain node2' }).click();
    await row.getByRole('cell', { name: 'drain', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Edit the labels of node2' }).click();
    await row.getByLabel('Labels', { exact: true }).fill('zone=b, disk');
    await row.getByRole('button', { name: 'Save' }).click();
    await row.getByText('zone=b').waitFor();
    await row.getByText('disk', { exact: true }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/swarm-nodes.png` });

    // node2 is still up: its removal is refused in words, and it stays listed.
    await row.getByRole('button', { name: 'Remove node2' }).click();
    await page.getByRole('dialog', { name: 'Remove node2 from the swarm?' }).getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'node2 was not removed' })
      .getByText(/is still ready: only a node that is down can be removed/)
      .waitFor();
    expect(await row.count()).toBe(1);

    await page.getByRole('button', { name: 'Leave the swarm…' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave the swarm?' });
    await leave.getByLabel('Force (needed for a manager)').check();
    await leave.getByRole('button', { name: 'Leave' }).click();
    await state.getByText('default is not in a swarm.').waitFor();
    two!.engine.try(['swarm', 'leave', '--force']);
    expect(errors).toEqual([]);
  });
});
