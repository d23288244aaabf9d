/**
 * The Disk page when the engine in use is the Berth VM: its disk file's real size on this
 * computer beside what the engine counts, and Compact now, clicked in Chromium. The VM is the mock
 * one (relaying to the test engine); its data disk is a real sparse file with a qcow2 header, and
 * the mock's trim punches it as QEMU would (the real trim: test/vm/disk.test.ts).
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../electron/main/paths';
import { ARTIFACTS, openDashboard } from '../support/browser';
import { engine, TEST_DATA_DIR } from '../support/engine';

const MiB = 2 ** 20;
const docker = engine();
const ui = openDashboard({ width: 1280, height: 900 }, { vmEngine: { bootMs: 150 } });
const disk = paths.vmDataDisk({ BERTH_HOME: TEST_DATA_DIR });
const card = () => ui.page.getByLabel('VM disk on this computer');

/** A qcow2 header saying 64 GiB, then `mib` MiB of data: a disk the VM has written to. */
function writeDisk(mib: number): void {
  const head = Buffer.alloc(64 * 1024);
  head.writeUInt32BE(0x514649fb, 0);
  head.writeUInt32BE(3, 4);
  head.writeBigUInt64BE(BigInt(64 * 2 ** 30), 24);
  writeFileSync(disk, Buffer.concat([head, Buffer.alloc(mib * MiB, 0x5a)]));
}

describe('the VM disk on the Disk page', () => {
  afterAll(async () => {
    await ui.core.router.handle('vm.stop', {});
    rmSync(disk, { force: true });
  });

  it('shows the disk file on this computer, compacts it with the result in words, and says why it cannot', async () => {
    const nav = (name: string) => ui.page.locator('nav').getByRole('button', { name });
    await nav('Disk usage').click();
    await card().getByText('Made at the VM\u2019s first start', { exact: false }).waitFor(); // no disk yet
    await card().getByText('Start the VM to compact its disk.').waitFor();
    expect(await card().getByRole('button', { name: 'Compact now' }).isDisabled()).toBe(true);

    expect(await ui.core.router.handle('vm.start', {})).toMatchObject({ ok: true });
    writeDisk(48);
    const allocated = statSync(disk).blocks * 512;
    await ui.page.getByRole('button', { name: 'Refresh' }).click();
    await card()
      .getByText(/the engine counts \d/)
      .waitFor({ timeout: 15_000 }); // the VM's engine answered
    await card()
      .getByText(`${(allocated / MiB).toFixed(1)} MiB of 64.0 GiB at most`, { exact: false })
      .waitFor();
    await card().getByText(disk).waitFor();
    await ui.page.screenshot({ path: `${ARTIFACTS}/e2e-disk-vm.png` });

    await card().getByRole('button', { name: 'Compact now' }).click();
    const done = ui.page.getByRole('status').filter({ hasText: 'Compacted the VM disk' });
    await done.waitFor();
    const after = statSync(disk).blocks * 512;
    expect(allocated - after).toBeGreaterThanOrEqual(48 * MiB);
    await done.getByText(/^This computer got 4\d\.\d MiB back: the VM disk takes [\d.]+ KiB of its 64\.0 GiB on this computer now\.$/).waitFor();
    await card()
      .getByText(/KiB of 64\.0 GiB at most/)
      .waitFor(); // the figure follows

    await card().getByRole('button', { name: 'Compact now' }).click();
    await ui.page.getByRole('status').filter({ hasText: 'Nothing more to give back' }).waitFor();

    // The disk gone from under it: an error in words, and the page goes on.
    rmSync(disk);
    await card().getByRole('button', { name: 'Compact now' }).click();
    await ui.page.getByRole('alert').filter({ hasText: 'Could not compact the VM disk' }).getByText(`The VM disk ${disk} is not there.`).waitFor();

    // Another engine in use: no VM disk shown.
    expect(await ui.core.router.handle('contexts.add', { name: 'local-disk', host: docker.dockerHost })).toMatchObject({ ok: true });
    await ui.page.reload();
    await ui.page.getByLabel('Engine in use').selectOption('local-disk');
    await nav('Disk usage').click();
    await ui.page.getByRole('button', { name: 'Refresh' }).click();
    await ui.page
      .getByLabel('Images')
      .getByText(/in all/)
      .waitFor();
    await expect.poll(() => card().count()).toBe(0);
    expect(ui.pageErrors).toEqual([]);
  });
});
