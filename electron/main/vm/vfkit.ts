/**
 * vfkit (macOS Virtualization.framework) command lines for the Berth VM: the same VM as QEMU's,
 * with virtio-fs for the shared home folder and a raw data disk. The SSH port is reached through
 * vfkit's NAT (the guest's address comes from its DHCP lease), so no host port is forwarded here.
 */
import type { VmConfig } from './backends/qemu/config';

/** vfkit takes a raw disk; vm-assets makes one next to the qcow2 when running on macOS. */
export const rawDisk = (qcow2: string) => qcow2.replace(/\.qcow2$/, '') + '.img';

export function vfkitArgs(cfg: VmConfig): string[] {
  const q = (s: string) => (/[\s",]/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s);
  return [
    '--cpus', String(cfg.cpus),
    '--memory', String(cfg.memoryMiB),
    '--bootloader', `linux,kernel=${q(cfg.kernel)},initrd=${q(cfg.initrd)},cmdline=${q(`console=hvc0 ${cfg.cmdline}`.trim())}`,
    '--device', `virtio-blk,path=${q(cfg.rootImage)},readonly`,
    '--device', `virtio-blk,path=${q(rawDisk(cfg.dataDisk))}`,
    '--device', 'virtio-net,nat',
    '--device', `virtio-fs,sharedDir=${q(cfg.shareDir)},mountTag=home`,
    '--device', `virtio-fs,sharedDir=${q(cfg.seedDir)},mountTag=seed`,
    '--device', `virtio-serial,logFilePath=${q(cfg.serialLog)}`,
    '--device', 'virtio-rng',
  ];
}
