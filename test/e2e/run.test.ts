/** The Run dialog in Chromium: fill it in, see the docker run line, run, and see refusals explained. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 });
const pageErrors = ui.pageErrors;

describe('Run dialog in Chromium', () => {
  it('runs a container with a port and an env variable, showing the equivalent command', async () => {
    const name = uniq('e2e-run');
    const port = await freePort();
    await ui.page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = ui.page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Command', { exact: true }).fill('httpd -f -p 8080');
    await dialog.getByRole('button', { name: '+ Port' }).click();
    await dialog.getByLabel('Port 1 host port').fill(String(port));
    await dialog.getByLabel('Port 1 container port').fill('8080');
    await dialog.getByRole('button', { name: '+ Variable' }).click();
    await dialog.getByLabel('Variable 1 name').fill('GREETING');
    await dialog.getByLabel('Variable 1 value').fill('hello world');
    expect(await dialog.getByLabel('Equivalent command').textContent()).toBe(`docker run -d --name ${name} -p 127.0.0.1:${port}:8080 -e 'GREETING=hello world' ${TEST_IMAGE} httpd -f -p 8080`);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-run-dialog.png` });
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await ui.page
      .getByRole('status')
      .filter({ hasText: `Started ${name}` })
      .waitFor();
    await ui.page.locator('tbody tr', { hasText: name }).locator('.badge', { hasText: 'running' }).waitFor();
    expect(docker.cli(['inspect', '-f', '{{json .Config.Env}}', name])).toContain('GREETING=hello world');
    const status = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/`).then(
          (r) => r.status,
          () => undefined,
        ),
      10_000,
      'the published port',
    );
    expect(status).toBe(404); // busybox httpd answering with no files to serve
  });

  it('explains bad input before sending anything, and a refused run keeps the form', async () => {
    const taken = uniq('e2e-taken');
    docker.cli(['create', '--name', taken, TEST_IMAGE]);
    const before = docker.cli(['ps', '-aq']).split('\n').length;
    await ui.page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = ui.page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Memory', { exact: true }).fill('a lot');
    expect(await dialog.getByLabel('Equivalent command').textContent()).toMatch(/not a size such as 512m/);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: /not a size/ })
      .waitFor();

    await dialog.getByLabel('Memory', { exact: true }).fill('');
    await dialog.getByLabel('Name', { exact: true }).fill(taken);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    const refusal = dialog.getByRole('alert').filter({ hasText: /already in use/ });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Choose another name'); // a hint for this field, not the generic "use force"
    expect(await ui.page.evaluate(() => document.activeElement?.id)).toBe('run-name');
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe(taken); // nothing the user typed is lost
    expect(await dialog.getByLabel('Image', { exact: true }).inputValue()).toBe(TEST_IMAGE);
    expect(docker.cli(['ps', '-aq']).split('\n').length).toBe(before);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('hostname, hosts, devices, the pull policy and the networks host and none; privileged is warned about', async () => {
    const name = uniq('e2e-more');
    await ui.page.getByRole('button', { name: 'Run…' }).first().click();
    const dialog = ui.page.getByRole('dialog', { name: 'Run a container' });
    await dialog.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    await dialog.getByLabel('Command', { exact: true }).fill('sleep 600');
    await dialog.getByLabel('Privileged (--privileged)').check();
    expect(await dialog.getByRole('note').textContent()).toMatch(/every capability and every device .* can take that machine over/);
    await dialog.getByLabel('Health check command').scrollIntoViewIfNeeded();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-run-more.png` });
    await dialog.getByLabel('Privileged (--privileged)').uncheck();
    expect(await dialog.getByRole('note').count()).toBe(0);
    await dialog.getByLabel('Hostname').fill('box');
    await dialog.getByLabel('Add hosts').fill('db.local:10.1.2.3');
    await dialog.getByLabel('Devices').fill('/dev/null:/dev/berth-null:rw');
    await dialog.getByRole('combobox', { name: /^Pull/ }).selectOption('never');
    await dialog.getByRole('combobox', { name: /^Network/ }).selectOption('none');
    expect(
      await dialog
        .getByRole('combobox', { name: /^Network/ })
        .locator('option:checked')
        .textContent(),
    ).toBe('none (no network at all)');
    // A port with network none is refused at the field, before anything is sent.
    await dialog.getByRole('button', { name: '+ Port' }).click();
    await dialog.getByLabel('Port 1 container port').fill('80');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Network: publishes no ports with network host or none' }).waitFor();
    await dialog.getByRole('button', { name: 'Remove port 1' }).click();
    expect(await dialog.getByLabel('Equivalent command').textContent()).toBe(
      `docker run -d --name ${name} --network none --hostname box --add-host db.local:10.1.2.3 --device /dev/null:/dev/berth-null:rw --pull=never ${TEST_IMAGE} sleep 600`,
    );
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const c = JSON.parse(docker.cli(['inspect', name]))[0];
    expect([c.Config.Hostname, c.HostConfig.NetworkMode, c.HostConfig.ExtraHosts, c.HostConfig.Devices[0].PathInContainer]).toEqual(['box', 'none', ['db.local:10.1.2.3'], '/dev/berth-null']);
  });

  it('opens prefilled from an image', async () => {
    await ui.page
      .locator('nav')
      .getByRole('button', { name: /^Images/ })
      .click();
    await ui.page
      .locator('tbody tr', { hasText: TEST_IMAGE })
      .getByRole('button', { name: `Run ${TEST_IMAGE}…` })
      .click();
    expect(await ui.page.getByRole('dialog').getByLabel('Image', { exact: true }).inputValue()).toBe(TEST_IMAGE);
    await ui.page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
