/**
 * The VM's data disk gives its space back: removing a gigabyte of images and volumes inside the
 * VM shrinks the disk file on the host (discard end to end: ext4 mounted with `discard`, virtio-blk
 * discard, QEMU's discard=unmap punching holes in the qcow2 file), and the Disk page's API shows
 * the file's real size and compacts it on demand. One boot, through a core whose engine is the VM.
 * Needs `npm run vm:build` and `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import { paths } from '../../electron/main/paths';
import { findAssets } from '../../electron/main/vm/assets';
import type { VmDiskCompaction, VmDiskInfo } from '../../electron/shared/models';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { berth, docker, vmHome, vmCore, type VmHome } from './support';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** The image's share of the gigabyte removed (a commit copies its layer: the slow part under emulation); a volume has the rest. */
const IMAGE_PART = 256 * MiB;

let vm: VmHome;
let core: Core;
let disk: string;

/** What the disk file takes on the host's disk now. */
const allocated = () => statSync(disk).blocks * 512;

async function call<T>(method: string): Promise<T> {
  const r = await core.router.handle(method);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.value as T;
}

/** Polls (every 250 ms, for `ms` at most) until `pred` holds; resolves to how long it took. */
async function within(ms: number, what: string, pred: () => boolean): Promise<number> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(250);
  }
  return Date.now() - t0;
}

/** `dd` of random bytes (zeros would become holes at once) into `path` in a container. */
const fill = (path: string, bytes: number) => `dd if=/dev/urandom of=${path} bs=1M count=${bytes / MiB} 2>/dev/null && sync`;

describe('the VM data disk on the host', { timeout: 600_000 }, () => {
  beforeAll(() => {
    vm = vmHome('disk');
    findAssets(vm.env); // a clear failure when the image was not built
    disk = paths.vmDataDisk(vm.env);
    core = vmCore(vm);
  });
  afterAll(async () => {
    core?.dispose();
    await vm?.dispose();
  }, 120_000);

  it('shrinks by what is removed inside the VM, compacts on demand, and stays intact', async () => {
    // Before the first start: no disk yet, and compacting says why it cannot.
    expect(await call<VmDiskInfo | null>('disk.vm')).toEqual({ file: disk, exists: false, allocated: 0, max: 0, running: false });
    await expect(call('disk.compact')).rejects.toMatchObject({ code: 'CONFLICT', message: 'The Berth VM is stopped, so its disk cannot be compacted now.' });

    await call('vm.start');
    await within(60_000, 'the engine answers through the core', () => core.engine.getStatus().state === 'up');
    const shown = await call<VmDiskInfo>('disk.vm');
    expect(shown).toMatchObject({ file: disk, exists: true, running: true, max: 64 * GiB }); // the default disk size
    expect(shown.allocated).toBeGreaterThan(0);

    buildBusybox({ cli: (args, input) => docker(vm.env, args, input) });
    // A gigabyte to remove: an image (a container's layer, committed) and a volume; and a volume to keep.
    docker(vm.env, ['run', '--name', 'filler', TEST_IMAGE, 'sh', '-c', fill('/layer', IMAGE_PART)]);
    docker(vm.env, ['commit', 'filler', 'berth-test/filled:1']);
    docker(vm.env, ['rm', 'filler']);
    const kept = docker(vm.env, ['run', '--rm', '-v', 'keep:/k', '-v', 'fill:/v', TEST_IMAGE, 'sh', '-c', `${fill('/k/data', 4 * MiB)} && ${fill('/v/data', GiB - IMAGE_PART)} && sha256sum /k/data`]);
    // Settled first (the container's own layer went back meanwhile): a compaction, through the API.
    const settled = await call<VmDiskCompaction>('disk.compact');
    expect(Math.abs(settled.after - allocated())).toBeLessThan(16 * MiB); // the engine writes a little meanwhile
    const full = allocated();
    expect(full - shown.allocated).toBeGreaterThan(GiB * 0.95); // the data is on the host's disk

    docker(vm.env, ['rmi', 'berth-test/filled:1']);
    docker(vm.env, ['volume', 'rm', 'fill']);
    const ms = await within(60_000, 'the disk file gives back 90% of the gigabyte removed', () => full - allocated() >= GiB * 0.9);
    console.log(`host space back after removing 1 GiB: ${((full - allocated()) / MiB).toFixed(0)} MiB in ${(ms / 1000).toFixed(1)} s`);
    expect(Math.abs((await call<VmDiskInfo>('disk.vm')).allocated - allocated())).toBeLessThan(16 * MiB); // what the Disk page shows

    // Compact now gives back what the filesystem did not (a mount without discard, as an older disk had).
    const remount = berth(vm.env, ['ssh', 'mount -o remount,nodiscard /var/lib/docker']);
    expect(remount.status, remount.stderr).toBe(0);
    docker(vm.env, ['run', '--rm', '-v', 'late:/v', TEST_IMAGE, 'sh', '-c', fill('/v/data', 128 * MiB)]);
    docker(vm.env, ['volume', 'rm', 'late']);
    const before = allocated();
    const compacted = await call<VmDiskCompaction>('disk.compact');
    expect(compacted.max).toBe(64 * GiB);
    expect(Math.abs(compacted.before - before) + Math.abs(compacted.after - allocated())).toBeLessThan(16 * MiB);
    expect(compacted.before - compacted.after).toBeGreaterThan(128 * MiB * 0.9);
    expect(compacted.trimmed).toBeGreaterThan(0);
    console.log(`compact now, after 128 MiB removed without discard: ${((compacted.before - compacted.after) / MiB).toFixed(0)} MiB back`);

    // Intact: the other volume byte for byte, and the qcow2 file's own check once the VM is stopped.
    expect(docker(vm.env, ['run', '--rm', '-v', 'keep:/k', TEST_IMAGE, 'sha256sum', '/k/data'])).toBe(kept);
    await call('vm.stop');
    await expect(call('disk.compact')).rejects.toMatchObject({ code: 'CONFLICT' });
    const check = spawnSync('qemu-img', ['check', disk], { encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout }).toMatchObject({ status: 0, out: expect.stringContaining('No errors were found') });
  });
});
