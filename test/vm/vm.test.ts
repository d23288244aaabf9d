/**
 * The Berth VM for real: the vm-assets image booted by QEMU (TCG here), reached over SSH, its
 * docker.sock forwarded to the host. Through the `berth vm` daemon, as the app and the CLI use it.
 * Needs `npm run vm:build` first (npm test does it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../electron/main/paths';
import { findAssets } from '../../electron/main/vm/assets';
import { VmClient } from '../../electron/main/vm/client';
import type { VmInfo } from '../../electron/shared/models';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';

const home = mkdtempSync(join('/tmp', 'berth-vm-')); // short: sockets live under it
const share = mkdtempSync(join(tmpdir(), 'berth-vm-share-'));
const env = { ...process.env, BERTH_HOME: home, DOCKER_CONFIG: join(home, 'docker-config'), BERTH_VM_SHARE: share, BERTH_DOCKER_HOST: '', DOCKER_HOST: '' };
const cliPath = join(__dirname, '../../dist/main/cli.cjs');
const client = new VmClient({ env, cliPath });

/** The user's docker CLI against the VM, through the `berth` context Berth wrote. */
function docker(args: string[], input?: Buffer): string {
  const r = spawnSync('docker', ['--context', 'berth', ...args], { env: { ...env, DOCKER_HOST: undefined }, input, encoding: 'buffer', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

async function eventually<T>(what: string, fn: () => T | Promise<T>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
      await sleep(100);
    }
  }
}

async function fetchText(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(3000) });
  return res.text();
}

/** Watches the daemon's pushes; `next(pred)` resolves with the first info that matches (from now on). */
function watcher() {
  const seen: VmInfo[] = [];
  const waiting = new Set<{ pred: (i: VmInfo) => boolean; resolve: (i: VmInfo) => void }>();
  const stop = client.watch((i) => {
    seen.push(i);
    for (const w of waiting) {
      if (!w.pred(i)) continue;
      waiting.delete(w);
      w.resolve(i);
    }
  });
  const next = (pred: (i: VmInfo) => boolean, ms = 30_000) =>
    new Promise<VmInfo>((resolve, reject) => {
      const w = { pred, resolve };
      waiting.add(w);
      setTimeout(() => (waiting.delete(w), reject(new Error(`no such VM state within ${ms} ms; saw ${JSON.stringify(seen.slice(-3))}`))), ms);
    });
  return { seen, next, stop };
}

describe('the Berth VM (QEMU)', { timeout: 600_000 }, () => {
  beforeAll(() => {
    findAssets(env); // a clear failure when the image was not built
  });
  afterAll(async () => {
    await client.stop().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
    rmSync(share, { recursive: true, force: true });
  }, 120_000);

  it('boots, serves docker through the forwarded socket and forwards published ports; data survives a stop and a kill -9', async () => {
    const w = watcher();
    const steps: string[] = [];
    const info = await client.start((i) => i.step && steps.push(i.step));
    expect(info).toMatchObject({ state: 'running', backend: 'qemu', dockerHost: `unix://${join(home, 'run/docker.sock')}` });
    expect(steps).toEqual(expect.arrayContaining(['Booting Linux and connecting over SSH', 'Waiting for dockerd']));
    expect((await client.status()).state).toBe('running');

    // The forwarded socket is the user's own: 0600, and the docker CLI reaches it by context.
    expect(spawnSync('stat', ['-c', '%a', join(home, 'run/docker.sock')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    expect(docker(['version', '--format', '{{.Server.Os}}'])).toBe('linux');
    // A current engine (Debian 13's docker.io), with BuildKit's buildx and Compose v2 inside.
    expect(docker(['version', '--format', '{{.Server.Version}}'])).toMatch(/^(2[6-9]|[3-9]\d)\./);
    const plugins = spawnSync(process.execPath, [cliPath, 'vm', 'ssh', 'docker buildx version && docker compose version'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(plugins.stdout, `${plugins.stderr}${plugins.error ?? ''}`).toMatch(/github\.com\/docker\/buildx v?0\.\d+[\s\S]*Docker Compose version v?2\./);
    // `berth vm verify` checks the image it booted against its manifest.
    const verify = spawnSync(process.execPath, [cliPath, 'vm', 'verify'], { env, encoding: 'utf8', timeout: 180_000 });
    expect({ status: verify.status, out: verify.stdout }).toEqual({ status: 0, out: expect.stringMatching(/ok {2}root\.img\n[\s\S]*matches its manifest/) });
    // `berth vm ssh` runs a command in the VM (pinned host key, per-install key).
    const ssh = spawnSync(process.execPath, [cliPath, 'vm', 'ssh', 'cat', '/etc/hostname'], { env, encoding: 'utf8', timeout: 120_000 });
    expect({ status: ssh.status, out: ssh.stdout.trim() }).toEqual({ status: 0, out: 'berth' });
    buildBusybox({ cli: (args, input) => docker(args, input) });
    // crun is the default runtime (a C program: under emulation a container starts sooner than with
    // runc, a Go one), and runc is there too.
    expect(docker(['info', '--format', '{{.DefaultRuntime}}'])).toBe('crun');
    expect(docker(['run', '--rm', TEST_IMAGE, 'echo', 'crun'])).toBe('crun');
    expect(docker(['run', '--rm', '--runtime', 'runc', TEST_IMAGE, 'echo', 'runc'])).toBe('runc');

    // A published port is on the host's 127.0.0.1, driven by the start event.
    docker(['volume', 'create', 'keep']);
    docker(['run', '-d', '--name', 'web', '-p', '18080:8080', '-v', 'keep:/data', TEST_IMAGE, 'sh', '-c', 'echo kept > /data/index.html; exec httpd -f -p 8080 -h /data']);
    await w.next((i) => i.ports.includes(18080), 10_000);
    expect(await eventually('fetch the published port', () => fetchText(18080))).toBe('kept\n');

    // The host folder is shared at the same path, so `-v $PWD:/app` works.
    writeFileSync(join(share, 'hello.txt'), 'from the host\n');
    expect(docker(['run', '--rm', '-v', `${share}:/app`, TEST_IMAGE, 'cat', '/app/hello.txt'])).toBe('from the host');

    // A host port that is taken: a warning in words, the container still runs.
    const squatter = createServer();
    await new Promise<void>((ok) => squatter.listen(18081, '127.0.0.1', ok)); // bound before the container starts
    try {
      docker(['run', '-d', '--name', 'taken', '-p', '18081:8080', TEST_IMAGE, 'httpd', '-f', '-p', '8080']);
      const warned = await w.next((i) => i.warnings.some((x) => x.includes('18081')), 10_000);
      expect(warned.warnings.find((x) => x.includes('18081'))).toMatch(
        /^Port 18081 on 127\.0\.0\.1 is already taken by another program\. Container taken can be reached on it from inside the VM only\.$/,
      );
      expect(docker(['inspect', '-f', '{{.State.Running}}', 'taken'])).toBe('true');
    } finally {
      squatter.close();
    }

    // Stopping the container closes the host port.
    docker(['stop', '-t', '1', 'web']);
    await w.next((i) => !i.ports.includes(18080), 10_000);
    await expect(fetchText(18080)).rejects.toThrow();

    // A stop saves the VM's state, but not while a container holds the shared folder (QEMU cannot
    // save a VM with a 9p share mounted): that stop is a clean shutdown, and the next start a cold
    // boot that says why. The named volume is still there.
    docker(['run', '-d', '--name', 'holder', '-v', `${share}:/app`, TEST_IMAGE, 'sleep', '600']);
    expect((await client.stop()).state).toBe('stopped');
    expect(readFileSync(join(paths.vm(env), 'serial.log'), 'utf8')).toMatch(/berth-init: \[[\d.]+\] stopped/); // the clean shutdown ran
    const again: string[] = [];
    await client.start((i) => i.step && again.push(i.step));
    expect(again).toContain(
      `Cold boot: the last stop could not save the VM's state (QEMU cannot save a VM while a shared folder is mounted in it, and something in the VM, such as a container with a bind mount from ${share}, still uses it)`,
    );
    expect(docker(['run', '--rm', '-v', 'keep:/data', TEST_IMAGE, 'cat', '/data/index.html'])).toBe('kept');
    expect(docker(['inspect', '-f', '{{.State.Running}}', 'holder'])).toBe('false'); // dockerd stopped it as the VM shut down

    // kill -9 QEMU: the error is reported with its reason; start works again and the volume is intact.
    const pid = Number(readFileSync(join(home, 'run/qemu.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const failed = await w.next((i) => i.state === 'error');
    expect(failed.reason).toMatch(/QEMU was ended by SIGKILL/);
    expect((await client.start()).state).toBe('running');
    expect(docker(['run', '--rm', '-v', 'keep:/data', TEST_IMAGE, 'cat', '/data/index.html'])).toBe('kept');
    expect(readFileSync(join(paths.vm(env), 'serial.log'), 'utf8')).toContain('berth-data: recovering journal'); // checked at boot
    w.stop();
  });
});
