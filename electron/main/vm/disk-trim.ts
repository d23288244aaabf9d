/**
 * Trimming the guest's data filesystem: every free block of it is discarded, so QEMU (its drive
 * has discard=unmap) punches a hole for it in the disk file and the host gets the space back.
 * The data disk is mounted with `discard` too, so freed blocks go back by themselves; a trim
 * catches what a disk made or mounted before that left behind. fstrim returns once every discard
 * is done, QEMU's holes included.
 */
import { BerthError } from '../../shared/errors';

/** The guest's data filesystem (berth-init mounts the data disk there). */
export const DATA_MOUNT = '/var/lib/docker';

/**
 * The filesystem synced first: blocks freed since its last journal commit (a removal a moment ago)
 * are free only once that commit is done, and a trim before it would pass them over.
 */
export const TRIM_COMMAND = `sync -f ${DATA_MOUNT}; fstrim -v ${DATA_MOUNT}`;

/** fstrim -v's "/var/lib/docker: 1.2 GiB (1288490188 bytes) trimmed" (busybox: "...: 1288490188 bytes trimmed") as bytes. */
export function trimmedBytes(output: string): number | undefined {
  const m = /\((\d+) bytes\) trimmed/.exec(output) ?? /:\s*(\d+) bytes trimmed/.exec(output);
  return m ? Number(m[1]) : undefined;
}

/** The trim's outcome from its exit code and words: the bytes trimmed, or the guest's reason in a BerthError. */
export function trimOutcome(r: { code: number | null; output: string }): number {
  const said = r.output.trim();
  if (r.code !== 0) throw new BerthError('COMMAND_FAILED', said || `fstrim ended with ${r.code === null ? 'a signal' : `exit code ${r.code}`}`);
  return trimmedBytes(said) ?? 0;
}
