/**
 * Secrets and overlay networks on the Swarm page in Chromium, on a real one-node swarm in a
 * namespace of its own (support/swarm-cluster): a secret typed (masked) and made, shown only
 * masked, given to a service with "Use in service…" (and then readable in its task), its removal
 * refused in words while in use, detached and removed; an overlay network refused for a bad
 * subnet, made and removed. The value is never in the page.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { ServiceSummary, TaskInfo } from '../../electron/shared/models';
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
/** Every frame Berth's backend sent this page. */
const received: string[] = [];
const VALUE = `typed-${process.pid}-never-on-screen`;

async function ok<T>(method: string, args?: unknown): Promise<T> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

describe('secrets and overlay networks on the Swarm page', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    cluster = await startSwarmMachines(1);
    const one = cluster.machines[0]!;
    core = testCore(one.engine.dockerHost);
    await waitFor(() => core.engine.getStatus().state === 'up', 20_000, 'node1 up');
    await ok('swarm.init', { advertiseAddr: one.addr });
    await ok('services.create', { name: 'app', image: TEST_IMAGE, replicas: 1, command: ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1; done"] });
    server = await startServer({ router: core.router, hub: core.hub, staticDir: 'dist/renderer' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1'))));
    await page.goto(server.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await endSwarmTest(core, cluster, []);
  }, 120_000);

  it('makes a secret from typed text, shows it only masked, gives it to a service, and removes it once unused', async () => {
    await page
      .locator('nav')
      .getByRole('button', { name: /^Swarm/ })
      .click();
    const form = page.getByRole('form', { name: 'Create a secret or config' });
    await form.getByLabel('Name').fill('db_pass');
    const value = form.getByLabel('Value');
    expect(await value.getAttribute('type')).toBe('password'); // masked while typed
    await value.fill(VALUE);
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('status').filter({ hasText: 'Secret db_pass made' }).waitFor();
    const table = page.getByRole('table', { name: 'Secrets and configs' });
    const row = table.getByRole('row', { name: 'secret db_pass' });
    expect(await row.getByLabel('Value of db_pass').textContent()).toBe('•••••••••• hidden');
    expect(await value.inputValue()).toBe(''); // not kept in the form either
    await row.getByLabel('Services using db_pass').getByText('unused').waitFor();

    // A taken name is said in words under the form.
    await form.getByLabel('Name').fill('db_pass');
    await form.getByLabel('Value').fill('another');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByRole('alert').getByText('The swarm already has a secret named db_pass.').waitFor();

    await row.getByRole('button', { name: 'Use db_pass in service…' }).click();
    const use = row.getByRole('form', { name: 'Use db_pass in a service' });
    expect(await use.getByLabel('Service').locator('option:checked').textContent()).toBe('app');
    await use.getByRole('button', { name: 'Attach' }).click();
    await row.getByLabel('Services using db_pass').getByText('app → /run/secrets/db_pass').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/swarm-secrets.png` });

    // The task it rolled to reads it; the page never had it.
    const svc = (await ok<ServiceSummary[]>('services.list')).find((s) => s.name === 'app')!;
    const engine = cluster.machines[0]!.engine;
    const read = await waitFor(
      async () => {
        const t = (await ok<TaskInfo[]>('services.tasks', { id: svc.id })).find((x) => x.state === 'running' && x.desiredState === 'running' && x.containerId);
        const r = t && engine.try(['exec', t.containerId!, 'cat', '/run/secrets/db_pass']);
        return r?.status === 0 ? r.out : undefined;
      },
      60_000,
      'a task with the secret',
    );
    expect(read).toBe(VALUE);
    expect(await page.content()).not.toContain(VALUE);
    expect(received.length).toBeGreaterThan(10);
    expect(received.join('\n')).not.toContain(VALUE); // sent once, never sent back

    // In use: refused in words naming the service.
    await row.getByRole('button', { name: 'Remove db_pass' }).click();
    await page.getByRole('dialog', { name: 'Remove the secret db_pass?' }).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('alert').filter({ hasText: 'db_pass was not removed' }).getByText('The secret db_pass is in use by the service app.').waitFor();

    await row.getByRole('button', { name: 'Detach db_pass from app' }).click();
    await row.getByLabel('Services using db_pass').getByText('unused').waitFor();
    await row.getByRole('button', { name: 'Remove db_pass' }).click();
    await page.getByRole('dialog', { name: 'Remove the secret db_pass?' }).getByRole('button', { name: 'Remove' }).click();
    await table.getByText('No secrets or configs yet.').waitFor();
    expect(await ok('secrets.list')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('makes an overlay network, refusing a bad subnet in words, and removes it', async () => {
    const form = page.getByRole('form', { name: 'Create an overlay network' });
    await form.getByLabel('Name').fill('backend');
    await form.getByLabel('Subnet').fill('10.30.0.1/24');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.getByRole('alert').getByText('"10.30.0.1/24" is not the start of a subnet: did you mean 10.30.0.0/24?').waitFor();
    await form.getByLabel('Subnet').fill('10.30.0.0/24');
    await form.getByLabel(/Encrypted/).check();
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('table', { name: 'Overlay networks' }).getByRole('row', { name: 'backend' });
    await row.getByText('attachable, encrypted').waitFor();
    await row.getByText('10.30.0.0/24').waitFor();
    await row.getByRole('button', { name: 'Remove backend' }).click();
    await page.getByRole('dialog', { name: 'Remove the network backend?' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    await ok('services.remove', { id: 'app' });
    await waitFor(() => (cluster.machines[0]!.engine.cli(['ps', '-q']) === '' ? true : undefined), 60_000, 'no container left');
    expect(errors).toEqual([]);
  });
});
