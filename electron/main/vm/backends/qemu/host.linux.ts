/**
 * QEMU on Linux: KVM when it really works (kvm.linux.ts probes it, once per host boot), else TCG
 * software emulation; /proc tells which process holds a file and what a pid runs.
 */
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import type { Accel } from './qemu-args';

export const accel = (kvmWorks: () => boolean): Accel => (kvmWorks() ? 'kvm' : 'tcg');

/** The process other than this one that has `file` open, from /proc (undefined when none has, or it cannot tell). */
export function holderOf(file: string): { pid: number; name: string } | undefined {
  let target: string;
  try {
    target = realpathSync(file);
  } catch {
    return undefined;
  }
  for (const entry of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      for (const fd of readdirSync(`/proc/${entry}/fd`)) {
        if (readlinkSync(`/proc/${entry}/fd/${fd}`) === target) return { pid: Number(entry), name: readFileSync(`/proc/${entry}/comm`, 'utf8').trim() };
      }
    } catch {
      /* gone, or not ours to look at */
    }
  }
  return undefined;
}

/** Whether `pid` runs a QEMU now (a stale pid file may name a pid reused since). */
export function isQemu(pid: number): boolean {
  try {
    return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('qemu-system');
  } catch {
    return false; // gone
  }
}
