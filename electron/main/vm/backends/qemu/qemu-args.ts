/**
 * QEMU command lines for the Berth VM. The accelerator is the host's (host.ts: KVM on Linux when it
 * really works, HVF on macOS, WHPX on Windows, else TCG software emulation); the SSH port is
 * forwarded on 127.0.0.1 only; the home folder is shared over 9p at the same path.
 */
import type { VmConfig } from './config';

export type Accel = 'kvm' | 'hvf' | 'whpx' | 'tcg';

export function qemuBinary(arch: string): string {
  return arch === 'arm64' ? 'qemu-system-aarch64' : 'qemu-system-x86_64';
}

/**
 * The kernel command line. Under software emulation (TCG) a program's code is translated per
 * virtual address, so with address space randomization every exec translates its libraries anew:
 * off (norandmaps) every exec is about 3x cheaper (iptables: 50 -> 17 ms here, and dockerd makes
 * about a hundred calls of it as it starts). Hardware acceleration keeps it on: it costs nothing
 * there. Under TCG the kernel also finds the vCPUs' TSCs "unsynchronized" (its check is timed by
 * emulated code) and falls back to the HPET, whose every read is an emulated MMIO access and a
 * syscall (the vDSO cannot read it): dockerd and containerd read the clock all the time. QEMU's
 * TSC under TCG is the host's, one counter for every vCPU, so `tsc=reliable` is true there (idle
 * QEMU here: 1.25 -> 0.8 % of a core; cold boots 36 -> 28 s and 43 -> 38 s on a loaded host). The crypto self-tests (about 0.2 s of boot under TCG) are skipped everywhere: the kernel's
 * own algorithms, tested by its builders.
 */
export function kernelCmdline(accel: Accel): string {
  return ['quiet', 'cryptomgr.notests', ...(accel === 'tcg' ? ['norandmaps', 'tsc=reliable'] : [])].join(' ');
}

/** What differs between a boot and a restore of the same VM. */
export interface LaunchMode {
  /** Wait for a saved state on QMP's migrate-incoming (a warm start). */
  incoming?: boolean;
  /** Append to the console log instead of starting it over (a restored VM's boot lines stay). */
  appendConsole?: boolean;
}

/** A path inside a QEMU option list (`file=...,if=...`): commas are doubled. */
const opt = (path: string) => path.replace(/,/g, ',,');

export function qemuArgs(cfg: VmConfig, accel: Accel, arch = 'x64', mode: LaunchMode = {}): string[] {
  const arm = arch === 'arm64';
  const console = arm ? 'ttyAMA0' : 'ttyS0';
  return [
    '-nodefaults',
    '-no-user-config',
    ...(arm ? ['-machine', `virt,accel=${accel}`, '-cpu', accel === 'tcg' ? 'max' : 'host'] : ['-machine', `q35,accel=${accel}`, '-cpu', accel === 'tcg' ? 'max' : 'host']),
    '-smp',
    String(cfg.cpus),
    '-m',
    `${cfg.memoryMiB}M`,
    '-kernel',
    cfg.kernel,
    '-initrd',
    cfg.initrd,
    '-append',
    `console=${console} ${cfg.cmdline}`.trim(),
    // vda: the root image (read-only, shared by every boot); vdb: the data disk. The guest's discards
    // (and blocks it writes as zeros) punch holes in the disk file: the host gets the space back.
    '-drive',
    `file=${opt(cfg.rootImage)},if=virtio,format=raw,readonly=on`,
    '-drive',
    `file=${opt(cfg.dataDisk)},if=virtio,format=qcow2,discard=unmap,detect-zeroes=unmap`,
    '-netdev',
    `user,id=net0,hostfwd=tcp:127.0.0.1:${cfg.sshPort}-:22`,
    '-device',
    'virtio-net-pci,netdev=net0',
    '-virtfs',
    `local,path=${opt(cfg.shareDir)},mount_tag=home,security_model=none,id=home`,
    '-virtfs',
    `local,path=${opt(cfg.seedDir)},mount_tag=seed,security_model=none,id=seed,readonly=on`,
    '-device',
    'virtio-rng-pci',
    ...(mode.appendConsole ? ['-chardev', `file,id=console,path=${opt(cfg.serialLog)},append=on`, '-serial', 'chardev:console'] : ['-serial', `file:${opt(cfg.serialLog)}`]),
    '-display',
    'none',
    '-monitor',
    'none',
    '-qmp',
    `unix:${opt(cfg.qmpSocket)},server=on,wait=off`,
    '-no-reboot',
    '-pidfile',
    cfg.pidFile,
    ...(mode.incoming ? ['-incoming', 'defer'] : []),
  ];
}
