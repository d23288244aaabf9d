/**
 * QEMU command lines for the Berth VM. The accelerator is chosen per host (KVM on Linux when it
 * really works, HVF on macOS, WHPX on Windows, else TCG software emulation); the SSH port is
 * forwarded on 127.0.0.1 only; the home folder is shared over 9p at the same path.
 */
import { join } from 'node:path';
import type { VmConfig } from './config';

export type Accel = 'kvm' | 'hvf' | 'whpx' | 'tcg';

/** `kvmWorks`: whether a KVM probe succeeded (a /dev/kvm that exists may still not work). */
export function chooseAccel(platform: NodeJS.Platform, kvmWorks: boolean): Accel {
  if (platform === 'linux') return kvmWorks ? 'kvm' : 'tcg';
  if (platform === 'darwin') return 'hvf';
  if (platform === 'win32') return 'whpx';
  return 'tcg';
}

export function qemuBinary(arch: string): string {
  return arch === 'arm64' ? 'qemu-system-aarch64' : 'qemu-system-x86_64';
}

/** A path inside a QEMU option list (`file=...,if=...`): commas are doubled. */
const opt = (path: string) => path.replace(/,/g, ',,');

export function qemuArgs(cfg: VmConfig, accel: Accel, arch = 'x64'): string[] {
  const arm = arch === 'arm64';
  const console = arm ? 'ttyAMA0' : 'ttyS0';
  return [
    '-nodefaults',
    '-no-user-config',
    ...(arm ? ['-machine', `virt,accel=${accel}`, '-cpu', accel === 'tcg' ? 'max' : 'host'] : ['-machine', `q35,accel=${accel}`, '-cpu', accel === 'tcg' ? 'max' : 'host']),
    '-smp', String(cfg.cpus),
    '-m', `${cfg.memoryMiB}M`,
    '-kernel', cfg.kernel,
    '-initrd', cfg.initrd,
    '-append', `console=${console} ${cfg.cmdline}`.trim(),
    // vda: the root image (read-only, shared by every boot); vdb: the data disk.
    '-drive', `file=${opt(cfg.rootImage)},if=virtio,format=raw,readonly=on`,
    '-drive', `file=${opt(cfg.dataDisk)},if=virtio,format=qcow2,discard=unmap`,
    '-netdev', `user,id=net0,hostfwd=tcp:127.0.0.1:${cfg.sshPort}-:22`,
    '-device', 'virtio-net-pci,netdev=net0',
    '-virtfs', `local,path=${opt(cfg.shareDir)},mount_tag=home,security_model=none,id=home`,
    '-virtfs', `local,path=${opt(cfg.seedDir)},mount_tag=seed,security_model=none,id=seed,readonly=on`,
    '-device', 'virtio-rng-pci',
    '-serial', `file:${opt(cfg.serialLog)}`,
    '-display', 'none',
    '-monitor', 'none',
    '-qmp', `unix:${opt(join(cfg.runDir, 'qmp.sock'))},server=on,wait=off`,
    '-no-reboot',
    '-pidfile', join(cfg.runDir, 'qemu.pid'),
  ];
}
