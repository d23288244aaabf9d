/**
 * What the QEMU backend does differently per host OS, each OS in its own file (host.linux.ts,
 * host.darwin.ts, host.win32.ts): the accelerator, and what only Linux's /proc tells (which
 * process holds the data disk, whether a stale pid is still a QEMU). This is the one place in the
 * backend that reads process.platform.
 */
import * as darwin from './host.darwin';
import * as linux from './host.linux';
import type { Accel } from './qemu-args';
import * as win32 from './host.win32';

export interface QemuHost {
  /** The accelerator here; `kvmWorks` probes KVM (only Linux asks it). */
  accel(kvmWorks: () => boolean): Accel;
  /** The process other than this one that has `file` open; undefined when none has, or it cannot tell. */
  holderOf(file: string): { pid: number; name: string } | undefined;
  /** Whether `pid` runs a QEMU now (pids are reused); false where it cannot tell. */
  isQemu(pid: number): boolean;
}

/** A host with no file of its own: software emulation, nothing told of other processes. */
const other: QemuHost = { accel: () => 'tcg', holderOf: () => undefined, isQemu: () => false };

export const hostFor = (platform: NodeJS.Platform): QemuHost => (({ linux, darwin, win32 }) as Partial<Record<NodeJS.Platform, QemuHost>>)[platform] ?? other;
export const host: QemuHost = hostFor(process.platform);
