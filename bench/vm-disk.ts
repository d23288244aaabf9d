/**
 * The VM's data disk giving space back: a gigabyte of an image and a volume is made in the VM,
 * removed, and the disk file's allocated size on the host followed until 90% of it is back (ext4
 * `discard` -> virtio-blk -> QEMU punching holes). Baselines from the same removal: how long the
 * engine took to remove them, and the bytes removed.
 */
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { paths } from '../electron/main/paths';
import { TEST_IMAGE } from '../test/support/test-image';
import type { Row } from './row';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** The image's share (a commit copies its layer: slow under emulation); the volume has the rest. */
const IMAGE_PART = 256 * MiB;

const fill = (path: string, bytes: number) => `dd if=/dev/urandom of=${path} bs=1M count=${bytes / MiB} 2>/dev/null && sync`;

/** `docker` runs the CLI against the VM's engine; `env` is the VM's (BERTH_HOME). */
export async function diskRows(docker: (args: string[]) => string, env: NodeJS.ProcessEnv): Promise<Row[]> {
  const file = paths.vmDataDisk(env);
  const allocated = () => statSync(file).blocks * 512;
  docker(['run', '--name', 'bench-filler', TEST_IMAGE, 'sh', '-c', fill('/layer', IMAGE_PART)]);
  docker(['commit', 'bench-filler', 'bench/filled:1']);
  docker(['rm', 'bench-filler']);
  docker(['run', '--rm', '-v', 'bench-fill:/v', TEST_IMAGE, 'sh', '-c', fill('/v/data', GiB - IMAGE_PART)]);
  await sleep(6000); // the container's own layer has gone back (a journal commit) before the count starts
  const full = allocated();
  const t0 = process.hrtime.bigint();
  docker(['rmi', 'bench/filled:1']);
  docker(['volume', 'rm', 'bench-fill']);
  const removed = Number(process.hrtime.bigint() - t0) / 1e9;
  let back = Number.NaN;
  while (Number(process.hrtime.bigint() - t0) / 1e9 < 120) {
    if (full - allocated() >= 0.9 * GiB) {
      back = Number(process.hrtime.bigint() - t0) / 1e9;
      break;
    }
    await sleep(100);
  }
  await sleep(6000); // and a journal commit later, what is back in all
  return [
    { name: 'host space back after removing 1 GiB in the VM: 90% of it back', unit: 's', berth: back, baselineName: 'the engine removing the image and volume', baseline: removed },
    { name: 'host space back after removing 1 GiB in the VM, in all', unit: 'MiB', berth: (full - allocated()) / MiB, baselineName: 'removed in the VM', baseline: GiB / MiB },
  ];
}
