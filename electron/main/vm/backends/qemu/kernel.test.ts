import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { vmKernelFiles } from '../../../paths';
import type { VmAssets } from '../../assets';
import { bootKernel, bzPayload, hasPvhNote, payloadFormat } from './kernel';

const dir = mkdtempSync(join(tmpdir(), 'berth-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ELF64 file with one PT_NOTE segment holding a note `name`/`type`. */
function elf(name: string, type: number): Buffer {
  const note = Buffer.alloc(12 + 4 + 8);
  const n = Buffer.from(`${name}\0`);
  note.writeUInt32LE(n.length, 0);
  note.writeUInt32LE(8, 4);
  note.writeUInt32LE(type, 8);
  n.copy(note, 12);
  const f = Buffer.alloc(64 + 56 + note.length);
  f.writeUInt32BE(0x7f454c46, 0);
  f[4] = 2; // ELF64
  f.writeBigUInt64LE(64n, 0x20); // phoff
  f.writeUInt16LE(56, 0x36);
  f.writeUInt16LE(1, 0x38);
  f.writeUInt32LE(4, 64); // PT_NOTE
  f.writeBigUInt64LE(BigInt(64 + 56), 64 + 8); // offset
  f.writeBigUInt64LE(BigInt(note.length), 64 + 32); // filesz
  note.copy(f, 64 + 56);
  return f;
}

/** A bzImage whose payload is `payload`: the boot protocol's header fields where the kernel has them. */
function bzImage(payload: Buffer): Buffer {
  const setupSects = 3;
  const head = Buffer.alloc((setupSects + 1) * 512 + 0x40);
  head[0x1f1] = setupSects;
  head.write('HdrS', 0x202, 'latin1');
  head.writeUInt32LE(0x40, 0x248);
  head.writeUInt32LE(payload.length, 0x24c);
  return Buffer.concat([head, payload, Buffer.alloc(16)]);
}

const assets = (kernel: string, sha: string) => ({ dir, kernel, initrd: '', rootImage: '', manifest: { files: { vmlinuz: { sha256: sha, bytes: 0 } } } }) as unknown as VmAssets;

describe('the kernel QEMU boots', () => {
  it("finds a bzImage's payload and its format, and an ELF's PVH entry note", () => {
    const payload = gzipSync(Buffer.from('x'));
    expect(bzPayload(bzImage(payload))).toEqual({ offset: 4 * 512 + 0x40, length: payload.length });
    expect(bzPayload(Buffer.alloc(0x1000))).toBeUndefined(); // no HdrS: not a bzImage
    expect(payloadFormat(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]))).toBe('xz');
    expect(payloadFormat(payload)).toBe('gzip');
    expect(payloadFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(payloadFormat(Buffer.from('lz4?'))).toBe('other');
    expect(hasPvhNote(elf('Xen', 18))).toBe(true);
    expect(hasPvhNote(elf('Xen', 6))).toBe(false);
    expect(hasPvhNote(elf('GNU', 18))).toBe(false);
    expect(hasPvhNote(Buffer.from('not an elf at all, not at all, not at all, not at all, not at all'))).toBe(false);
  });

  it('unpacks a PVH kernel once into the shared cache, and boots the bzImage when it cannot', () => {
    const env = { ...process.env, BERTH_VM_KERNEL_CACHE: join(dir, 'cache') };
    const vmlinuz = join(dir, 'vmlinuz');
    const kernel = elf('Xen', 18);
    writeFileSync(vmlinuz, bzImage(gzipSync(kernel)));
    const said: string[] = [];
    const first = bootKernel(assets(vmlinuz, 'aa'), env, () => said.push('unpacking'));
    expect(first).toBe(vmKernelFiles.pvh(join(dir, 'cache'), 'aa'));
    expect(readFileSync(first).equals(kernel)).toBe(true);
    expect(bootKernel(assets(vmlinuz, 'aa'), env, () => said.push('unpacking'))).toBe(first);
    expect(said).toEqual(['unpacking']); // once per kernel

    // No PVH entry: the bzImage boots, and that is remembered.
    writeFileSync(vmlinuz, bzImage(gzipSync(elf('Xen', 6))));
    expect(bootKernel(assets(vmlinuz, 'bb'), env)).toBe(vmlinuz);
    expect(existsSync(vmKernelFiles.none(join(dir, 'cache'), 'bb'))).toBe(true);
    // A format there is no tool for here (xz without xz on PATH): the bzImage, tried again next time.
    writeFileSync(vmlinuz, bzImage(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])));
    expect(bootKernel(assets(vmlinuz, 'cc'), { ...env, PATH: join(dir, 'nothing') })).toBe(vmlinuz);
    expect(existsSync(vmKernelFiles.none(join(dir, 'cache'), 'cc'))).toBe(false);
  });
});
