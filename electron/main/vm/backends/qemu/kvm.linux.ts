/**
 * Whether KVM really works here. A /dev/kvm that opens is not enough (on some hosts a guest under
 * KVM never runs), so a tiny guest is booted; on a host where KVM hangs that costs the probe's
 * whole timeout, at every start. The answer holds until the host reboots (or QEMU changes), so it
 * is kept (paths.vmAccel) with the host's boot id and the QEMU binary it was found with. Linux
 * only (host.linux.ts asks it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { paths, tempFor } from '../../../paths';

interface AccelRecord {
  bootId: string;
  qemu: string;
  kvm: boolean;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** The QEMU binary as it is now: a QEMU upgrade probes again. */
function binaryStamp(binary: string): string {
  try {
    const st = statSync(binary);
    return `${binary}:${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    return binary;
  }
}

/**
 * Boots a 512-byte boot sector that writes to QEMU's debug-exit port; working KVM does that in
 * well under a second. `probe` is the file the sector is written to (its folder is made).
 */
export function probeKvm(probe: string, binary: string): boolean {
  if (!existsSync('/dev/kvm')) return false;
  mkdirSync(dirname(probe), { recursive: true, mode: 0o700 });
  const sector = Buffer.alloc(512);
  Buffer.from([0xb0, 0x01, 0xe6, 0xf4, 0xf4, 0xeb, 0xfe]).copy(sector); // mov al,1; out 0xf4,al; hlt
  sector.writeUInt16LE(0xaa55, 510);
  writeFileSync(probe, sector);
  const r = spawnSync(
    binary,
    [
      '-nodefaults',
      '-no-user-config',
      '-machine',
      'pc,accel=kvm',
      '-display',
      'none',
      '-monitor',
      'none',
      '-serial',
      'none',
      '-device',
      'isa-debug-exit,iobase=0xf4,iosize=0x04',
      '-drive',
      `file=${probe},format=raw,if=floppy`,
    ],
    { timeout: 1500, stdio: 'ignore' },
  );
  return r.status === 3; // (1 << 1) | 1: the sector ran
}

/** Whether KVM works, probed once per host boot and QEMU binary (BERTH_VM_ACCEL skips this altogether). */
export function kvmWorks(env: NodeJS.ProcessEnv, binary: string): boolean {
  if (!existsSync('/dev/kvm')) return false;
  const file = paths.vmAccel(env);
  const want = { bootId: bootId(), qemu: binaryStamp(binary) };
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<AccelRecord>;
    if (want.bootId && r.bootId === want.bootId && r.qemu === want.qemu && typeof r.kvm === 'boolean') return r.kvm;
  } catch {
    /* none yet, or unreadable: probe */
  }
  const kvm = probeKvm(paths.vmKvmProbe(env), binary);
  const tmp = tempFor(file);
  try {
    writeFileSync(tmp, JSON.stringify({ ...want, kvm } satisfies AccelRecord) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // not kept: probed again next time
  }
  return kvm;
}
