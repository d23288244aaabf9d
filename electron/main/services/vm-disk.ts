/**
 * The Berth VM's data disk as the host sees it, for the Disk usage page: the bytes its file takes
 * on the host's disk (allocated blocks: the holes the guest's discards punched take none) and the
 * most it can grow to, beside what the engine reports; and "compact now", a trim of the guest's
 * filesystem with what the host got back. The guest gives freed blocks back by itself (its data
 * disk is mounted with `discard`); a compaction catches what an older disk or mount left behind.
 */
import { open, stat } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';
import type { VmDiskCompaction, VmDiskInfo, VmInfo } from '../../shared/models';

/** The qcow2 magic ("QFI\xfb"); its header holds the virtual size (big-endian u64) at byte 24. */
const QCOW2_MAGIC = 0x514649fb;

export interface DiskFileSize {
  exists: boolean;
  /** st_blocks * 512: what the file takes on the host's disk. */
  allocated: number;
  /** The disk's size as the VM sees it (a qcow2 file's virtual size; a raw file's length). */
  max: number;
}

/** The disk file's allocated bytes and its maximum; a missing file is `exists: false`, any other fault is thrown in words. */
export async function diskFileSize(file: string): Promise<DiskFileSize> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, allocated: 0, max: 0 };
    throw new BerthError('COMMAND_FAILED', `Could not read the VM disk ${file}: ${(e as Error).message}`);
  }
  const f = await open(file, 'r');
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await f.read(head, 0, 32, 0);
    const qcow2 = bytesRead === 32 && head.readUInt32BE(0) === QCOW2_MAGIC;
    return { exists: true, allocated: st.blocks * 512, max: qcow2 ? Number(head.readBigUInt64BE(24)) : st.size };
  } finally {
    await f.close();
  }
}

export interface VmDiskOptions {
  /** The data disk file (paths.vmDataDisk). */
  file: string;
  /** The VM as its daemon tells it. */
  status: () => Promise<VmInfo> | VmInfo;
  /** Trims the guest's data filesystem; resolves to the bytes the guest says it trimmed. */
  trim: () => Promise<number>;
  /** Reaches the VM's engine first (a connection to its socket wakes a VM the resource saver paused). */
  wake?: () => Promise<unknown>;
}

/** A VM the resource saver paused is running to the user: the daemon resumes it for the trim. */
const runs = (state: string) => state === 'running' || state === 'paused';

const notRunning = (state: string) =>
  new BerthError('CONFLICT', `The Berth VM is ${state === 'error' ? 'stopped after an error' : state}, so its disk cannot be compacted now.`, {
    hint: state === 'starting' ? 'Wait for it to finish starting, then compact again.' : 'Start the VM (the VM page, or `berth vm start`), then compact again.',
  });

export class VmDiskService {
  /** The compaction in progress: a second click shares it. */
  private compacting: Promise<VmDiskCompaction> | undefined;

  constructor(private readonly o: VmDiskOptions) {}

  async info(): Promise<VmDiskInfo> {
    const [size, vm] = await Promise.all([diskFileSize(this.o.file), this.o.status()]);
    return { file: this.o.file, ...size, running: runs(vm.state) };
  }

  compact(): Promise<VmDiskCompaction> {
    this.compacting ??= this.run().finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  private async run(): Promise<VmDiskCompaction> {
    const { state } = await this.o.status();
    if (!runs(state)) throw notRunning(state);
    await this.o.wake?.().catch(() => undefined); // the trim says what is wrong, if anything is
    const before = await diskFileSize(this.o.file);
    if (!before.exists) throw new BerthError('NOT_FOUND', `The VM disk ${this.o.file} is not there.`, { hint: "It is made at the VM's first start; stop and start the VM." });
    let trimmed: number;
    try {
      trimmed = await this.o.trim();
    } catch (e) {
      if (e instanceof BerthError && e.code !== 'COMMAND_FAILED') throw e;
      throw new BerthError('COMMAND_FAILED', `The VM could not trim its disk: ${(e as Error).message}`, {
        hint: 'The VM console (berth vm logs, or the VM page) may say more; try again once the VM is running.',
      });
    }
    // The guest's trim returns once QEMU has punched its holes: the file is as small as it gets.
    const after = await diskFileSize(this.o.file);
    return { before: before.allocated, after: after.allocated, trimmed, max: after.max };
  }
}
