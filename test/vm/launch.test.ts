/**
 * A new user's first launch, for real: `berth start` (browser mode: no Electron here) from an empty
 * data folder with no engine configured. Berth boots its VM (QEMU, TCG) by itself; Chromium shows
 * the boot, then the VM engine's containers; the docker CLI reaches the same engine by the
 * `berth` context and, with the Settings switch on, as plain `docker ps`; the switch off puts the
 * CLI's previous context back. Ctrl-C stops the VM first ("Quit stops the VM" is on by default).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { VmClient } from '../../electron/main/vm/client';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';

const home = mkdtempSync(join('/tmp', 'berth-launch-')); // short: sockets live under it
const share = mkdtempSync(join(tmpdir(), 'berth-launch-share-'));
const dockerConfig = join(home, 'docker-config');
// Nothing names an engine: no BERTH_DOCKER_HOST, no DOCKER_HOST, the docker CLI on its own "default".
const env: NodeJS.ProcessEnv = { ...process.env, BERTH_HOME: join(home, 'data'), DOCKER_CONFIG: dockerConfig, BERTH_VM_SHARE: share, BERTH_PORT: '0' };
delete env.BERTH_DOCKER_HOST;
delete env.DOCKER_HOST;
delete env.DOCKER_CONTEXT;
const cliPath = join(__dirname, '../../dist/main/cli.cjs');
const CONFIG_BEFORE = { auths: {}, currentContext: 'default', psFormat: 'table {{.Names}}' };

function docker(args: string[], input?: Buffer): string {
  const r = spawnSync('docker', args, { env, input, encoding: 'buffer', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

let berth: ChildProcess | undefined;
let browser: Browser | undefined;
let out = '';

/** Resolves with the first match of `re` in what `berth start` printed. */
function printed(re: RegExp, ms: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = out.match(re);
      if (m) return (clearTimeout(timer), berth!.stdout!.off('data', check), resolve(m));
    };
    const timer = setTimeout(() => reject(new Error(`berth start did not print ${re} in ${ms} ms; it printed:\n${out}`)), ms);
    berth!.stdout!.on('data', check);
    check();
  });
}

describe('first launch: berth start boots the VM and the dashboard follows', { timeout: 600_000 }, () => {
  afterAll(async () => {
    await browser?.close();
    if (berth && berth.exitCode === null) berth.kill('SIGKILL');
    await new VmClient({ env, cliPath }).stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(share, { recursive: true, force: true });
  }, 120_000);

  it('boots the VM with no engine configured, shows the boot and then its containers; the docker CLI follows on request', async () => {
    mkdirSync(dockerConfig, { recursive: true });
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify(CONFIG_BEFORE));

    berth = spawn(process.execPath, [cliPath, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    berth.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    berth.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const [url] = await printed(/http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/, 30_000);
    expect(out).toContain('the Berth VM is the engine in use; starting it');

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const boot = page.getByRole('status', { name: 'VM boot' });
    await boot.getByText(/Starting the Berth VM: (Starting QEMU|Booting Linux and connecting over SSH|Waiting for dockerd)/).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: `${ARTIFACTS}/vm-first-launch-booting.png` });
    await page
      .locator('.engine-footer')
      .getByText(/^Engine \d+\./)
      .waitFor({ timeout: 300_000 }); // the VM's engine answers
    expect(out).toMatch(/berth: VM: Booting Linux and connecting over SSH\n[\s\S]*berth: VM: running/);

    // A container made with the user's docker CLI through the berth context shows in the dashboard.
    buildBusybox({ cli: (args, input) => docker(['--context', 'berth', ...args], input) });
    docker(['--context', 'berth', 'create', '--name', 'first-launch', TEST_IMAGE]);
    await page
      .locator('nav')
      .getByRole('button', { name: /^Containers/ })
      .click();
    await page.getByRole('button', { name: 'first-launch', exact: true }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/vm-first-launch-running.png` });

    // The Settings switch: plain `docker ps` (a new process, no --context, no DOCKER_HOST) reaches the VM.
    await page.locator('nav').getByRole('button', { name: 'Settings' }).click();
    const cliSwitch = page.getByRole('checkbox', { name: 'Use Berth for the docker CLI' });
    await cliSwitch.click();
    await expect.poll(() => JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')).currentContext, { timeout: 10_000 }).toBe('berth');
    expect(docker(['ps', '-a', '--format', '{{.Names}}']).split('\n')).toContain('first-launch');
    expect(docker(['ps', '-a', '--format', '{{.ID}}'])).toBe(docker(['--context', 'berth', 'ps', '-a', '--format', '{{.ID}}']));
    await cliSwitch.click();
    await expect.poll(() => JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')), { timeout: 10_000 }).toEqual(CONFIG_BEFORE);
    expect(await cliSwitch.isChecked()).toBe(false);
    expect(await page.getByRole('alert', { name: 'Use Berth for the docker CLI: refused' }).count()).toBe(0);
    expect(errors).toEqual([]);

    // Ctrl-C: the VM stops cleanly first, then Berth exits.
    berth.kill('SIGINT');
    await printed(/stopping the Berth VM first/, 10_000);
    const code = await new Promise<number | null>((r) => (berth!.exitCode !== null ? r(berth!.exitCode) : berth!.once('exit', r)));
    expect(code).toBe(0);
    expect((await new VmClient({ env, cliPath }).status()).state).toBe('stopped');
    expect(spawnSync('pgrep', ['-f', join(home, 'data')], { encoding: 'utf8' }).stdout.trim()).toBe(''); // no QEMU, no daemon left
  });
});
