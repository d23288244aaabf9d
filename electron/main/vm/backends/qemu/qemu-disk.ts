/**
 * The disk step of a QEMU boot: what is on the host's disk before QEMU starts. The seed folder
 * the guest reads at boot (its SSH keys, the home folder to share), a QEMU a crashed Berth left
 * holding the data disk, and the data disk itself at the size the settings ask for.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../../paths';
import type { VmKeys } from '../../keys';
import { host } from './host';
import { qemuImg, type QemuTools } from './qemu-launch';

/** The seed folder (0700, its files 0600): the keys' halves the guest needs and the home folder's path, by the names berth-init reads. */
export function writeSeed(env: NodeJS.ProcessEnv, keys: VmKeys, home: string): string {
  const seedDir = paths.vmSeed(env);
  mkdirSync(seedDir, { recursive: true, mode: 0o700 });
  for (const [name, body] of Object.entries({ ...keys.seed, home })) writeFileSync(join(seedDir, name), body, { mode: 0o600 });
  return seedDir;
}

/** A QEMU left running by a crashed Berth still holds the data disk: ended first (only if that pid is still a QEMU: pids are reused). */
export function endStaleQemu(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (host.isQemu(pid)) process.kill(pid, 'SIGKILL'); // where the host cannot tell, QEMU's own lock on the disk will say so
  } catch {
    /* gone meanwhile */
  }
  rmSync(pidFile, { force: true });
}

/** The data disk at the size the settings ask for (made on first start; only ever grown). */
export function prepareDataDisk(tools: QemuTools, dataDisk: string, diskGiB: number): void {
  const size = `${diskGiB}G`;
  if (!existsSync(dataDisk)) qemuImg(tools, ['create', '-q', '-f', 'qcow2', dataDisk, size], dataDisk);
  else if (JSON.parse(qemuImg(tools, ['info', '--output=json', '-U', dataDisk], dataDisk))['virtual-size'] < diskGiB * 2 ** 30) {
    qemuImg(tools, ['resize', '-q', dataDisk, size], dataDisk); // the guest grows the filesystem at boot
  }
}
