/**
 * QEMU on Windows: the Windows Hypervisor Platform (WHPX). As on macOS, nothing tells which
 * process holds the data disk or whether a stale pid is a QEMU.
 */
import type { Accel } from './qemu-args';

export const accel = (): Accel => 'whpx';
export const holderOf = (): undefined => undefined;
export const isQemu = (): boolean => false;
