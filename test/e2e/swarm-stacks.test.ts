/**
 * Stacks on the Swarm page in Chromium, on a real two-node swarm (support/swarm-cluster): a stack
 * file with an error is refused with its file and line; a stack deployed from a file on this
 * machine shows its output, is listed with its services and tasks running, opens to its services
 * (each with its tasks and nodes), and is removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { SwarmNode } from '../../electron/shared/models';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { testCore, waitFor } from '../support/engine';
import { endSwarmTest, startSwarmMachines, type SwarmMachines } from '../support/swarm-cluster';
import { DOCKER_CURRENT } from '../support/current-dockerd';
import { TEST_IMAGE } from '../support/test-image';

let cluster: SwarmMachines;
let core: Core;
let server: RunningServer;
let browser: Browser;
let page: Page;
let dir: string;
/** The docker CLI of the engines' own release (Debian 13's 26, which npm test unpacks): the system's 20.10 has no `stack config`. */
const CLI_ENV = { BERTH_DOCKER_CLI: join(DOCKER_CURRENT, 'usr/bin/docker') };
const errors: string[] = [];

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

const IDLE = "trap 'exit 0' TERM; while :; do sleep 1; done";

describe('stacks on the Swarm page', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(2);
    const [one, two] = cluster.machines;
    dir = mkdtempSync(join(tmpdir(), 'berth-stacks-e2e-'));
    core = testCore(one!.engine.dockerHost, CLI_ENV);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await ok('swarm.init', { advertiseAddr: one!.addr });
    await ok('contexts.add', { name: 'node2', host: two!.engine.dockerHost });
    await ok('swarm.addEngine', { context: 'node2', role: 'worker', advertiseAddr: two!.addr });
    await waitFor(async () => ((await ok<SwarmNode[]>('nodes.list')).every((n) => n.status === 'ready') ? true : undefined), 30_000, 'two ready nodes');
    server = await startServer({ router: core.router, hub: core.hub, staticDir: 'dist/renderer' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await endSwarmTest(core, cluster, ['node2']);
  }, 120_000);

  it('refuses a broken file, deploys a stack from a file, shows it with its services, and removes it', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, `version: "3.8"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    colour: red\n`);
    const good = join(dir, 'stack.yaml');
    writeFileSync(
      good,
      `version: "3.8"\nservices:\n  web:\n    image: ${TEST_IMAGE}\n    command: ["sh", "-c", "${IDLE}"]\n    networks: [back]\n    deploy:\n      replicas: 2\n      placement: {max_replicas_per_node: 1}\n  worker:\n    image: ${TEST_IMAGE}\n    command: ["sh", "-c", "${IDLE}"]\n    networks: [back]\nnetworks:\n  back: {driver: overlay}\n`,
    );
    await page
      .locator('nav')
      .getByRole('button', { name: /^Swarm/ })
      .click();
    const stacks = page.getByRole('table', { name: 'Stacks' });
    await stacks.getByText('No stacks yet.').waitFor();

    const form = page.getByRole('form', { name: 'Deploy a stack' });
    await form.getByLabel('Stack name').fill('shop');
    await form.getByLabel('Compose file or its folder').fill(broken);
    await form.getByRole('button', { name: 'Deploy' }).click();
    await form.getByRole('alert').getByText(`The stack file ${broken}, line 5, does not load: services.web Additional property colour is not allowed`).waitFor();
    expect(await stacks.getByText('No stacks yet.').count()).toBe(1);

    await form.getByLabel('Compose file or its folder').fill(good);
    await form.getByRole('button', { name: 'Deploy' }).click();
    const output = form.getByLabel('Stack output');
    await output.getByText('Creating service shop_web').waitFor();
    await output.getByText('The stack shop is deployed: 2 services, every task running.').waitFor({ timeout: 60_000 });
    await page.getByRole('status').filter({ hasText: 'Deployed the stack shop' }).waitFor();

    const row = stacks.getByRole('row', { name: 'shop' });
    await row.getByLabel('Tasks running').getByText('3/3').waitFor({ timeout: 30_000 });
    await row.getByRole('cell', { name: '2', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Services of shop' }).click();
    const services = page.getByRole('table', { name: 'Services of shop' });
    await services.getByRole('row', { name: 'shop_web' }).getByLabel('Tasks running').getByText('2/2').waitFor();
    await services.getByRole('row', { name: 'shop_worker' }).getByLabel('Tasks running').getByText('1/1').waitFor();
    const webTasks = services.getByRole('list', { name: 'Tasks of shop_web' });
    await expect
      .poll(async () => (await webTasks.getByRole('listitem').allTextContents()).map((t) => t.replace(/^shop_web\.\d+ /, '')).sort(), { timeout: 30_000 })
      .toEqual(['on node1: running', 'on node2: running']);
    await page.getByText('Networks: shop_back · Secrets: none · Configs: none').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/swarm-stacks.png` });

    await row.getByRole('button', { name: 'Remove shop' }).click();
    await page.getByRole('dialog', { name: 'Remove the stack shop?' }).getByRole('button', { name: 'Remove' }).click();
    await output.getByText(/^The stack shop is removed: no services, tasks, containers, networks, secrets or configs of it are left/m).waitFor({ timeout: 60_000 });
    await stacks.getByText('No stacks yet.').waitFor();
    await page.getByRole('status').filter({ hasText: 'Removed the stack shop' }).waitFor();
    expect(await services.count()).toBe(0);
    expect(cluster.machines[0]!.engine.cli(['network', 'ls', '--filter', 'label=com.docker.stack.namespace=shop', '-q']).trim()).toBe('');
    expect(errors).toEqual([]);
  });
});
