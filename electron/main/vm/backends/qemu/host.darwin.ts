/**
 * QEMU on macOS: Apple's Hypervisor.framework (HVF). There is no /proc: which process holds the
 * data disk is not told (QEMU's own lock on it still refuses a second VM), and a stale pid is
 * never ended, since it cannot be told to be a QEMU.
 */
import type { Accel } from './qemu-args';

export const accel = (): Accel => 'hvf';
export const holderOf = (): undefined => undefined;
export const isQemu = (): boolean => false;
