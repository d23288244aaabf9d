/**
 * The VM's image over its life, for real (QEMU, dockerd in the guest, the image builder): a first
 * start with no image builds one (from the packages `npm run vm:build` fetched: the tests have no
 * network) while saying how long up front; a second image (another build: a marker in its root) is
 * used by the next start and the data disk's images, containers and volumes are all still there; an
 * image whose engine is older than the disk's last one is refused in words with the disk untouched.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths, vmBuildCache } from '../../electron/main/paths';
import type { VmInfo } from '../../electron/shared/models';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { berth, cliPath, docker, filesUnder, halfMade, qemuProcesses, vmHome } from './support';

const cache = mkdtempSync(join('/tmp', 'berth-images-')); // empty: no image yet
const vm = vmHome('up', { BERTH_VM_CACHE: cache });
const { env, client, home } = vm;
const blob = randomBytes(3 << 20);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dataDisk = () => join(paths.vm(env), 'data.qcow2');

/** `berth vm build --json` beside the daemon (same cache): its JSON lines. */
function buildCli(args: string[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'vm', 'build', '--json', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', () =>
      resolve(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      ),
    );
  });
}

describe('the VM image: first start, upgrade, downgrade (QEMU)', { timeout: 900_000 }, () => {
  beforeAll(() => {
    const sets = readdirSync(vmBuildCache()).filter((f) => /^packages-.*\.tgz$/.test(f));
    if (!sets.length) throw new Error(`no fetched package set in ${vmBuildCache()}: run \`npm run vm:build\` (with network) first`);
  });
  afterAll(async () => {
    await vm.dispose();
    rmSync(cache, { recursive: true, force: true });
  }, 120_000);

  it('a first start with no image builds one, saying how long up front, then boots it; a second build meanwhile waits for it', async () => {
    const seen: Array<{ at: number; step: string; progress: number }> = [];
    let concurrent: Promise<Array<Record<string, unknown>>> | undefined;
    const t0 = Date.now();
    const info = await client.start((i: VmInfo) => {
      if (!i.step || i.state !== 'starting') return;
      seen.push({ at: Date.now(), step: i.step, progress: i.progress ?? 0 });
      // The daemon's build holds the lock once it fetches: another build now must wait, not build twice.
      if (!concurrent && i.step.endsWith(': fetching packages')) concurrent = buildCli([]);
    });
    expect(info.state).toBe('running');
    const steps = seen.map((s) => s.step);
    const prefix = /^Building the VM image \(first start only, (about \d+ min|under a minute)\): /;
    expect(steps.find((s) => prefix.test(s))).toMatch(/: starting$/);
    for (const words of ['fetching packages', 'installing packages', 'adding the kernel and its modules', 'packing the root image', 'checking the files'])
      expect(steps.some((s) => prefix.test(s) && s.endsWith(words))).toBe(true);
    expect(steps).toEqual(expect.arrayContaining(['Starting QEMU (software emulation)', 'Booting Linux and connecting over SSH', 'Waiting for dockerd']));
    const progress = seen.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b)); // forward only
    const building = seen.filter((s) => prefix.test(s.step));
    expect(building.at(-1)!.progress).toBeLessThan(seen.find((s) => s.step.startsWith('Starting QEMU'))!.progress);

    const other = await concurrent!;
    expect(other).toEqual(
      expect.arrayContaining([{ note: expect.stringMatching(/^waiting for another build of the VM image \(process \d+\) to finish$/) }, { done: expect.objectContaining({ built: false }) }]),
    );
    // One image, marked current only once whole; nothing half-made beside it.
    const hash = readlinkSync(join(cache, 'current'));
    expect(readdirSync(cache).sort()).toEqual([hash, 'current'].sort());
    expect(readdirSync(join(cache, hash)).sort()).toEqual(['initrd.img', 'manifest.json', 'root.img', 'verified.json', 'vmlinuz']);
    const qemuAt = seen.find((s) => s.step.startsWith('Starting QEMU'))!.at;
    console.log(`first start: build ${((qemuAt - t0) / 1000).toFixed(0)} s, boot ${((Date.now() - qemuAt) / 1000).toFixed(0)} s; "${building[0]!.step}"`);

    // What the upgrade must keep: a volume's bytes, an image of its own tag, a stopped container.
    buildBusybox({ cli: (args, input) => docker(env, args, input) });
    docker(env, ['tag', TEST_IMAGE, 'berth-upgrade/kept:1']);
    docker(env, ['volume', 'create', 'keep']);
    docker(env, ['run', '--rm', '-i', '-v', 'keep:/data', TEST_IMAGE, 'sh', '-c', 'cat > /data/blob'], blob);
    docker(env, ['run', '--name', 'kept', '-v', 'keep:/data', TEST_IMAGE, 'echo', 'ran before the upgrade']);
    expect(docker(env, ['inspect', '-f', '{{.State.Status}}', 'kept'])).toBe('exited');
    expect((await client.stop()).state).toBe('stopped');
  });

  it('a new image (another build) is used by the next start, and the images, containers and volumes made before are still there', async () => {
    const before = readlinkSync(join(cache, 'current'));
    expect(JSON.parse(readFileSync(paths.vmEngine(env), 'utf8'))).toMatchObject({ image: before, engine: expect.stringMatching(/^2[6-9]\./) });
    const t0 = Date.now();
    const lines = await buildCli(['--marker', 'upgrade-test']);
    const done = lines.find((l) => 'done' in l)?.done as { dir: string; hash: string; built: boolean } | undefined;
    expect(done).toMatchObject({ built: true });
    console.log(`second image (marker build): ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const after = readlinkSync(join(cache, 'current'));
    expect(after).toBe(done!.hash);
    expect(after).not.toBe(before);
    expect(readdirSync(cache).sort()).toEqual([after, 'current'].sort()); // the old build went; nothing half-made

    const t1 = Date.now();
    expect((await client.start()).state).toBe('running');
    console.log(`boot on the new image: ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    expect(berth(env, ['ssh', 'cat', '/etc/berth-marker']).stdout.trim()).toBe('upgrade-test'); // the new image runs
    expect(JSON.parse(readFileSync(paths.vmEngine(env), 'utf8'))).toMatchObject({ image: after });
    expect(docker(env, ['run', '--rm', '-v', 'keep:/data', TEST_IMAGE, 'sha256sum', '/data/blob']).split(' ')[0]).toBe(sha(blob));
    expect(docker(env, ['image', 'inspect', '-f', '{{.Id}}', 'berth-upgrade/kept:1'])).toBe(docker(env, ['image', 'inspect', '-f', '{{.Id}}', TEST_IMAGE]));
    expect(docker(env, ['inspect', '-f', '{{.State.Status}}', 'kept'])).toBe('exited');
    expect(docker(env, ['start', '-a', 'kept'])).toBe('ran before the upgrade');
    expect((await client.stop()).state).toBe('stopped');
  });

  it('an image whose engine is older than the one that last used the disk is refused in words, and the disk is left as it is', async () => {
    // As if a newer engine (a later Berth) had used the disk.
    const record = JSON.stringify({ engine: '99.0.0-1', image: 'newer', at: new Date().toISOString() });
    writeFileSync(paths.vmEngine(env), record);
    const disk = { sha: sha(readFileSync(dataDisk())), mtime: statSync(dataDisk()).mtimeMs };
    const err = await client.start().catch((e: Error & { hint?: string }) => e);
    expect(err).toMatchObject({
      message: expect.stringMatching(
        /^This VM image has Docker Engine 2\d\.\d+, but the data disk was last used by Engine 99\.0\. An older engine may not read what a newer one wrote, so Berth did not start the VM and left the disk as it is\.$/,
      ),
      hint: expect.stringContaining('Engine 99.0 or newer'),
    });
    expect((await client.status()).reason).toContain('was last used by Engine 99.0');
    const cli = berth(env, ['start'], 120_000);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/^berth: This VM image has Docker Engine .* last used by Engine 99\.0[\s\S]*\nStart it with an image that has Engine 99\.0 or newer/m);
    expect({ sha: sha(readFileSync(dataDisk())), mtime: statSync(dataDisk()).mtimeMs }).toEqual(disk);
    expect(readFileSync(paths.vmEngine(env), 'utf8')).toBe(record);
    expect(qemuProcesses(home)).toEqual([]);
    expect(halfMade(filesUnder(home))).toEqual([]);
    expect(existsSync(join(paths.run(env), 'qemu.pid'))).toBe(false);
  });
});
