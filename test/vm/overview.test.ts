/**
 * The resource overview with Berth's VM as the engine: the containers in the VM, the VM's own
 * machine as the engine's (its CPUs and memory), and QEMU's use on this machine read from /proc.
 * Needs `npm run vm:build` and `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import { findAssets } from '../../electron/main/vm/assets';
import type { UsageSnapshot } from '../../electron/shared/models';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';
import { docker, vmHome, vmCore, type VmHome } from './support';

/** Polls until `fn` gives a value, for `ms` at most. */
async function waitFor<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let vm: VmHome;
let core: Core;

describe('the resource overview of the VM', { timeout: 600_000 }, () => {
  beforeAll(() => {
    vm = vmHome('overview');
    findAssets(vm.env); // a clear failure when the image was not built
    core = vmCore(vm);
  });
  afterAll(async () => {
    core?.dispose();
    await vm?.dispose();
  }, 120_000);

  it("shows the VM's containers, its machine, and QEMU's own CPU and memory on the host", async () => {
    const started = await core.router.handle('vm.start');
    expect(started.ok).toBe(true);
    await waitFor(() => core.engine.getStatus().state === 'up' || undefined, 60_000, 'the engine through the core');
    buildBusybox({ cli: (args, input) => docker(vm.env, args, input) });
    docker(vm.env, ['run', '-d', '--name', 'busy', TEST_IMAGE, 'sh', '-c', 'while :; do :; done']);
    const snaps: UsageSnapshot[] = [];
    const s = core.router.openStream('containers.usage', {}, async (c) => void snaps.push(c as UsageSnapshot));
    const last = await waitFor(
      () => {
        const l = snaps.at(-1);
        return l?.vm && (l.vm.cpuPercent ?? 0) > 0 && l.containers.some((c) => c.name === 'busy' && c.cpuPercent > 10) ? l : undefined;
      },
      60_000,
      'the busy container and the VM using CPU',
    );
    s.cancel();
    expect(last.engine.cpus).toBe(Number(docker(vm.env, ['info', '--format', '{{.NCPU}}']).trim()));
    expect(last.engine.memTotal).toBeLessThan(8 * 2 ** 30); // the VM's memory, not this machine's 24 GiB
    expect(last.vm!.memUsage).toBeGreaterThan(100 * 2 ** 20); // QEMU holds the guest's memory in use
    // The busy loop runs inside QEMU: QEMU's CPU on the host is at least most of it.
    expect(last.engine.isVm).toBe(true);
    expect(last.vm!.cpuPercent).toBeGreaterThan(last.containers.find((c) => c.name === 'busy')!.cpuPercent * 0.5);
    console.log(`overview of the VM: QEMU ${last.vm!.cpuPercent!.toFixed(0)} % CPU, ${(last.vm!.memUsage / 2 ** 20).toFixed(0)} MiB; busy container ${last.containers[0]!.cpuPercent.toFixed(0)} %`);
    await core.router.handle('vm.stop');
  });
});
