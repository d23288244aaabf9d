/** Settings in Chromium: add an engine, switch to it from the sidebar (every view follows) and back; preferences kept. */
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engine, TEST_DATA_DIR, TEST_SETTINGS_FILE, uniq } from '../support/engine';
import { contextMetaDir } from '../../electron/main/engine/docker-config';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ui = openDashboard({ width: 1280, height: 800 });
const nav = (name: RegExp | string) => ui.page.locator('nav').getByRole('button', { name });

describe('engines in Chromium', () => {
  it('adds an engine, switches every view to it and back', async () => {
    const name = uniq('ctx-e2e');
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    await nav('Settings').click();
    await ui.page.getByLabel('Engine name').fill('nowhere');
    await ui.page.getByLabel('Engine address').fill('http://not-an-engine');
    await ui.page.getByRole('button', { name: 'Add engine' }).click();
    await ui.page
      .getByRole('alert')
      .getByText(/Unsupported engine address/)
      .waitFor();
    await ui.page.getByLabel('Engine address').fill('unix:///tmp/berth-no-engine-here.sock');
    await ui.page.getByRole('button', { name: 'Add engine' }).click();
    await ui.page.getByRole('table', { name: 'Engines' }).getByText('unix:///tmp/berth-no-engine-here.sock').waitFor();

    await ui.page.getByLabel('Engine in use').selectOption('nowhere');
    await ui.page.getByText('Engine unreachable', { exact: true }).first().waitFor();
    await ui.page.getByText(/at unix:\/\/\/tmp\/berth-no-engine-here\.sock/).waitFor();
    await nav(/^Containers/).click();
    expect(await ui.page.getByRole('button', { name, exact: true }).count()).toBe(0); // the old engine's list is gone
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-context-switched.png` });

    await nav('Settings').click();
    await ui.page
      .getByRole('row', { name: /default/ })
      .getByRole('button', { name: 'Use' })
      .click();
    await nav(/^Containers/).click();
    await ui.page.getByRole('button', { name, exact: true }).waitFor();
    expect(await ui.page.getByLabel('Engine in use').inputValue()).toBe('default');
    expect(ui.pageErrors).toEqual([]);
  });

  it('keeps preferences in the settings file, across a reload', async () => {
    await nav('Settings').click();
    await ui.page.getByLabel('Start Berth at login').check();
    await ui.page.getByLabel('Theme setting').selectOption('dark');
    const vm = ui.page.getByRole('form', { name: 'VM resources' }); // the same form as on the VM page
    await vm.getByLabel('Memory (MiB)').fill('3072');
    await vm.getByRole('button', { name: 'Save' }).click();
    await vm.getByText('Saved. CPUs, memory and disk apply at the next start; the auto-pause applies now.').waitFor();
    expect(JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).vm.memoryMiB).toBe(3072);
    await expect
      .poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences, { timeout: 5000 })
      .toEqual({ startAtLogin: true, quitStopsVm: true, startVm: true, dockerCli: false, portsOnAllAddresses: false, theme: 'dark' });
    await ui.page.evaluate(() => localStorage.clear()); // the file, not the browser cache, is what is kept
    await ui.page.reload();
    await nav('Settings').click();
    await expect.poll(() => ui.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await ui.page.getByLabel('Start Berth at login').isChecked()).toBe(true);
  });

  it('says in Settings which values of a damaged settings file were dropped, keeps the rest and a copy', async () => {
    const engines = [{ name: 'kept-engine', host: 'unix:///tmp/berth-kept-engine.sock' }];
    const original = JSON.stringify({ contexts: engines, preferences: { startAtLogin: false, quitStopsVm: true, theme: 'neon' }, vm: { cpus: 'x', memoryMiB: 4096, diskGiB: 64 } }, null, 2);
    writeFileSync(TEST_SETTINGS_FILE, original); // as if Berth started with this file
    await ui.page.reload();
    await nav('Settings').click();
    const notice = ui.page.getByRole('status', { name: 'Settings file problems' });
    await notice.getByText('preferences.theme: "neon" was dropped (Invalid option: expected one of "system"|"light"|"dark"). Berth uses "system" instead.').waitFor();
    await notice.getByText('vm.cpus: "x" was dropped (Invalid input: expected number, received string). Berth uses 2 instead.').waitFor();
    await notice.getByText('Everything else in settings.json was kept.').waitFor();
    const copy = (await notice.locator('.mono').last().textContent())!;
    expect(copy).toMatch(/settings\.json\.bad-/);
    await ui.page.getByRole('table', { name: 'Engines' }).getByText('kept-engine', { exact: true }).waitFor();
    expect(await ui.page.getByRole('form', { name: 'VM resources' }).getByLabel('Memory (MiB)').inputValue()).toBe('4096');
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-settings-file-problems.png` });

    await ui.page.getByLabel('Start Berth at login').check(); // a change writes the file: the engines stay
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.startAtLogin, { timeout: 5000 }).toBe(true);
    expect(JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8'))).toMatchObject({ contexts: engines, vm: { cpus: 2, memoryMiB: 4096 } });
    expect(readFileSync(copy, 'utf8')).toBe(original);
    expect(ui.pageErrors).toEqual([]);
  });

  it("Start the VM with Berth is kept; the docker CLI switch sets the CLI's current context to berth and puts the previous one back; a refusal is said at the switch", async () => {
    const env = { DOCKER_CONFIG: join(TEST_DATA_DIR, 'docker-config') }; // the test core's (support/engine.ts)
    const config = join(env.DOCKER_CONFIG, 'config.json');
    const meta = join(contextMetaDir('berth', env), 'meta.json');
    const before = '{\n\t"auths": {\n\t\t"registry.example": {\n\t\t\t"auth": "bWU6c2VjcmV0"\n\t\t}\n\t},\n\t"currentContext": "lab"\n}\n';
    mkdirSync(join(meta, '..'), { recursive: true });
    writeFileSync(config, before);
    const theirs = JSON.stringify({ Name: 'berth', Metadata: { Description: 'my own' }, Endpoints: { docker: { Host: 'tcp://127.0.0.1:1' } } });
    writeFileSync(meta, theirs); // a berth context the user made

    await ui.page.reload();
    await nav('Settings').click();
    const toggle = ui.page.getByRole('checkbox', { name: 'Use Berth for the docker CLI' });
    await ui.page.getByText(/Sets the docker CLI’s current context to berth .*Turning it off puts back the context the CLI used before\./).waitFor();
    const startVm = ui.page.getByRole('checkbox', { name: 'Start the VM with Berth' });
    await ui.page.getByText('Berth boots its VM at launch when the VM is the engine in use.').waitFor();
    expect(await startVm.isChecked()).toBe(true);
    await startVm.uncheck();
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.startVm, { timeout: 5000 }).toBe(false);
    await startVm.check();
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.startVm, { timeout: 5000 }).toBe(true);
    // The VM's published ports: on 127.0.0.1 unless the user allows all addresses, said in words.
    const allAddresses = ui.page.getByRole('checkbox', { name: 'Published ports on all of this computer’s addresses' });
    await ui.page.getByText(/^Off \(the default\): a port a VM container publishes is forwarded to 127\.0\.0\.1 only, so only this computer reaches it/).waitFor();
    expect(await allAddresses.isChecked()).toBe(false);
    await allAddresses.check();
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.portsOnAllAddresses, { timeout: 5000 }).toBe(true);
    await allAddresses.uncheck();
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.portsOnAllAddresses, { timeout: 5000 }).toBe(false);
    await toggle.click();
    const refused = ui.page.getByRole('alert', { name: 'Use Berth for the docker CLI: refused' });
    await refused.getByText(/A docker context named "berth" already exists .* \(it points at tcp:\/\/127\.0\.0\.1:1\), so Berth leaves it as it is\./).waitFor();
    await refused.getByText(/docker context rm berth/).waitFor();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-docker-cli-refused.png` });
    expect(readFileSync(meta, 'utf8')).toBe(theirs);
    expect(readFileSync(config, 'utf8')).toBe(before);

    // Asked first: "Replace it" keeps their context in Berth's data folder and switches the CLI.
    await refused.getByRole('button', { name: 'Replace it (Berth keeps a copy)' }).click();
    await expect.poll(() => JSON.parse(readFileSync(config, 'utf8')).currentContext, { timeout: 5000 }).toBe('berth');
    await ui.page.getByText(/^Your own "berth" context is kept at .*docker-context-berth\.replaced-.*\.json\.$/).waitFor();
    const copies = readdirSync(TEST_DATA_DIR).filter((f) => f.startsWith('docker-context-berth.replaced-'));
    expect(copies.map((f) => readFileSync(join(TEST_DATA_DIR, f), 'utf8'))).toEqual([theirs]);
    expect(await toggle.isChecked()).toBe(true);
    expect(await refused.count()).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8')).auths).toEqual({ 'registry.example': { auth: 'bWU6c2VjcmV0' } });
    expect(JSON.parse(readFileSync(meta, 'utf8'))).toMatchObject({ Endpoints: { docker: { Host: `unix://${join(TEST_DATA_DIR, 'run', 'docker.sock')}` } } });
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.dockerCli, { timeout: 5000 }).toBe(true);
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-docker-cli-on.png` });

    await toggle.click();
    await expect.poll(() => readFileSync(config, 'utf8'), { timeout: 5000 }).toBe(before);
    expect(await toggle.isChecked()).toBe(false);
    // The config is put back first, then the preference saved.
    await expect.poll(() => JSON.parse(readFileSync(TEST_SETTINGS_FILE, 'utf8')).preferences.dockerCli, { timeout: 5000 }).toBe(false);
    expect(ui.pageErrors).toEqual([]);
  });
});
