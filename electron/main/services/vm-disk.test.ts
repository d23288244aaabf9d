import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VmInfo } from '../../shared/models';
import { diskFileSize, VmDiskService } from './vm-disk';

const MiB = 2 ** 20;
let dir: string;
let file: string;

/** A qcow2 header (magic, version 3, virtual size at byte 24) and `dataMiB` of data after it. */
function qcow2(virtualSize: number, dataMiB: number): void {
  const head = Buffer.alloc(64 * 1024);
  head.writeUInt32BE(0x514649fb, 0);
  head.writeUInt32BE(3, 4);
  head.writeBigUInt64BE(BigInt(virtualSize), 24);
  writeFileSync(file, Buffer.concat([head, Buffer.alloc(dataMiB * MiB, 7)]));
}

/** What QEMU does for a guest's trim: the freed clusters become holes (here: all but the header). */
function punch(): void {
  const size = statSync(file).size;
  truncateSync(file, 64 * 1024);
  truncateSync(file, size);
}

const info = (state: VmInfo['state']): VmInfo => ({ state, since: 0, backend: 'qemu', ports: [], warnings: [] });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-vm-disk-'));
  file = join(dir, 'data.qcow2');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the VM disk file', () => {
  it('is its allocated blocks on the host, at most its virtual size', async () => {
    qcow2(64 * 2 ** 30, 4);
    const s = await diskFileSize(file);
    expect(s).toEqual({ exists: true, allocated: statSync(file).blocks * 512, max: 64 * 2 ** 30 });
    expect(s.allocated).toBeGreaterThanOrEqual(4 * MiB);
    punch();
    expect((await diskFileSize(file)).allocated).toBeLessThan(MiB); // a sparse file's length is not its size
    expect(statSync(file).size).toBeGreaterThan(4 * MiB);
  });

  it('a raw file is at most its length; a missing one is not there yet', async () => {
    writeFileSync(file, Buffer.alloc(MiB, 1));
    expect(await diskFileSize(file)).toMatchObject({ exists: true, max: MiB });
    expect(await diskFileSize(join(dir, 'none.qcow2'))).toEqual({ exists: false, allocated: 0, max: 0 });
  });
});

describe('compacting the VM disk', () => {
  it('trims (after reaching the engine) and says what the host got back', async () => {
    qcow2(8 * 2 ** 30, 8);
    const calls: string[] = [];
    const svc = new VmDiskService({ file, status: () => info('running'), wake: async () => calls.push('wake'), trim: async () => (calls.push('trim'), punch(), 7 * 2 ** 30) });
    const before = statSync(file).blocks * 512;
    const r = await svc.compact();
    expect(calls).toEqual(['wake', 'trim']);
    expect(r).toEqual({ before, after: statSync(file).blocks * 512, trimmed: 7 * 2 ** 30, max: 8 * 2 ** 30 });
    expect(r.before - r.after).toBeGreaterThanOrEqual(8 * MiB);
    expect(await svc.info()).toEqual({ file, exists: true, allocated: r.after, max: 8 * 2 ** 30, running: true });
  });

  it('a VM the resource saver paused counts as running: its daemon resumes it for the trim', async () => {
    qcow2(MiB * 1024, 1);
    const svc = new VmDiskService({ file, status: () => info('paused'), trim: async () => 5 });
    expect((await svc.info()).running).toBe(true);
    expect((await svc.compact()).trimmed).toBe(5);
  });

  it('a second click while one runs shares it: one trim', async () => {
    qcow2(MiB * 1024, 1);
    let trims = 0;
    let finish!: () => void;
    const svc = new VmDiskService({ file, status: () => info('running'), trim: () => (trims++, new Promise<number>((r) => (finish = () => r(0)))) });
    const a = svc.compact();
    const b = svc.compact();
    await new Promise((r) => setTimeout(r, 10));
    finish();
    expect(await a).toEqual(await b);
    expect(trims).toBe(1);
  });

  it('says in words why it cannot: the VM not running, the trim failing, no disk', async () => {
    qcow2(MiB * 1024, 1);
    const trim = async () => 0;
    for (const [state, words] of [
      ['stopped', 'The Berth VM is stopped, so its disk cannot be compacted now.'],
      ['starting', 'The Berth VM is starting, so its disk cannot be compacted now.'],
      ['error', 'The Berth VM is stopped after an error, so its disk cannot be compacted now.'],
    ] as const) {
      await expect(new VmDiskService({ file, status: () => info(state), trim }).compact()).rejects.toMatchObject({ code: 'CONFLICT', message: words, hint: expect.stringMatching(/compact again/) });
    }
    const failing = new VmDiskService({ file, status: () => info('running'), trim: () => Promise.reject(new Error('fstrim: /var/lib/docker: FITRIM ioctl failed: Operation not supported')) });
    await expect(failing.compact()).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: 'The VM could not trim its disk: fstrim: /var/lib/docker: FITRIM ioctl failed: Operation not supported' });
    const gone = new VmDiskService({ file: join(dir, 'none.qcow2'), status: () => info('running'), trim });
    await expect(gone.compact()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A failed wake is the trim's to explain (it may still work): not an error of its own.
    const wakeFails = new VmDiskService({ file, status: () => info('running'), trim, wake: () => Promise.reject(new Error('no engine')) });
    await expect(wakeFails.compact()).resolves.toMatchObject({ trimmed: 0 });
  });
});
