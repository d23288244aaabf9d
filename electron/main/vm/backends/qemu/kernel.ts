/**
 * The kernel QEMU boots. An x86 image ships a compressed bzImage (vmlinuz); under software
 * emulation its decompressor alone takes seconds before Linux prints a line (xz: about 3 s here).
 * The same kernel, decompressed once into an ELF vmlinux, boots through its PVH entry point
 * straight away. It is made once per kernel (keyed by the vmlinuz's sha256 from the manifest,
 * which verifyOnce checked) in a cache shared by every data folder; where it cannot be made (no
 * decompressor for that format, no PVH note), the bzImage boots as before.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tempFor, vmKernelCache, vmKernelFiles } from '../../../paths';
import type { VmAssets } from '../../assets';
import { findOnPath } from '../../which';

/** The compressed payload of a bzImage: where it starts, how long it is, and its format. */
export function bzPayload(head: Buffer): { offset: number; length: number } | undefined {
  if (head.length < 0x250 || head.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const setupSects = head[0x1f1] || 4; // 0 means 4, by the boot protocol
  return { offset: (setupSects + 1) * 512 + head.readUInt32LE(0x248), length: head.readUInt32LE(0x24c) };
}

export function payloadFormat(start: Buffer): 'xz' | 'gzip' | 'zstd' | 'other' {
  if (start.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (start[0] === 0x1f && start[1] === 0x8b) return 'gzip';
  if (start.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  return 'other';
}

/** Whether an ELF kernel has the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, type 18) QEMU boots it by. */
export function hasPvhNote(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false; // ELF64 only
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || elf.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    let at = Number(elf.readBigUInt64LE(ph + 8));
    const end = at + Number(elf.readBigUInt64LE(ph + 32));
    while (at + 12 <= end && end <= elf.length) {
      const [namesz, descsz, type] = [elf.readUInt32LE(at), elf.readUInt32LE(at + 4), elf.readUInt32LE(at + 8)];
      const name = elf.toString('latin1', at + 12, at + 12 + namesz).replace(/\0+$/, '');
      if (name === 'Xen' && type === 18) return true;
      at += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

function decompress(format: 'xz' | 'gzip' | 'zstd', payload: Buffer, env: NodeJS.ProcessEnv): Buffer | undefined {
  if (format === 'gzip') return gunzipSync(payload);
  const tool = format === 'xz' ? findOnPath('xz', env) : findOnPath('zstd', env);
  if (!tool) return undefined;
  // --single-stream: the bzImage payload ends with its size, which is not part of the stream.
  const r = spawnSync(tool, format === 'xz' ? ['-dc', '--single-stream'] : ['-dc'], { input: payload, maxBuffer: 512 << 20, stdio: ['pipe', 'pipe', 'ignore'] });
  return r.status === 0 && r.stdout.length ? r.stdout : undefined;
}

/**
 * The kernel file to boot: the PVH vmlinux made from the image's vmlinuz (made now if it is not
 * there yet; `making` is said first), else the vmlinuz itself.
 */
export function bootKernel(assets: VmAssets, env: NodeJS.ProcessEnv = process.env, making: () => void = () => undefined): string {
  if (process.arch !== 'x64' && process.arch !== 'ia32') return assets.kernel;
  const sha = assets.manifest.files.vmlinuz.sha256;
  const dir = vmKernelCache(env);
  const out = vmKernelFiles.pvh(dir, sha);
  if (existsSync(out) && statSync(out).size > 0) return out;
  const none = vmKernelFiles.none(dir, sha);
  if (existsSync(none)) return assets.kernel;
  const tmp = tempFor(out);
  try {
    mkdirSync(dir, { recursive: true });
    making();
    const fd = openSync(assets.kernel, 'r');
    const head = Buffer.alloc(0x1000);
    readSync(fd, head, 0, head.length, 0);
    const p = bzPayload(head);
    let elf: Buffer | undefined;
    if (p) {
      const payload = Buffer.alloc(p.length);
      readSync(fd, payload, 0, p.length, p.offset);
      const format = payloadFormat(payload);
      elf = format === 'other' ? undefined : decompress(format, payload, env);
    }
    closeSync(fd);
    if (!elf || !hasPvhNote(elf)) {
      // No tool for its format is worth trying again later; anything else about the kernel is not.
      if (!p || (elf && !hasPvhNote(elf))) writeFileSync(none, '');
      return assets.kernel;
    }
    writeFileSync(tmp, elf);
    renameSync(tmp, out);
    return out;
  } catch {
    rmSync(tmp, { force: true });
    return assets.kernel; // a cache that cannot be written: the bzImage boots all the same
  }
}
