/**
 * Whether a file is a whole tar archive, read header by header (file contents are skipped, not
 * read): what an import checks before it touches a volume, since the engine's extractor writes
 * the entries before a bad or cut-off one and leaves them there. A compressed archive (gzip,
 * bzip2, xz, zstd) is the engine's to unpack and check.
 */
import { open } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';
import { base256, BLOCK, padding } from './tar';

const COMPRESSED = [Buffer.from([0x1f, 0x8b]), Buffer.from('BZh'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];
/** Entry types whose size field is not followed by data (hard link, symlink, devices, directory, fifo). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

/** A numeric field, strictly: undefined when it is neither base-256 nor octal digits (tar.ts's reader takes what it can). */
function field(h: Buffer, off: number, len: number): number | undefined {
  const big = base256(h, off, len);
  if (big !== undefined) return big;
  const s = h
    .toString('latin1', off, off + len)
    .replace(/[\0 ]+$/, '')
    .replace(/^[\0 ]+/, '');
  return /^[0-7]*$/.test(s) ? (s ? parseInt(s, 8) : 0) : undefined;
}

/** A header's checksum: its bytes summed with the checksum field taken as spaces (unsigned or signed, as Go takes either). */
function checksumOk(h: Buffer): boolean {
  const want = field(h, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}

const count = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;
const bad = (why: string) => new BerthError('INVALID_ARGUMENT', why, { hint: 'Choose a .tar file, such as one Export made.' });

export async function checkTarFile(path: string): Promise<void> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    if (size === 0) throw bad('The file is empty: it is not a tar archive.');
    const h = Buffer.alloc(BLOCK);
    const head = (await f.read(h, 0, BLOCK, 0)).bytesRead;
    if (COMPRESSED.some((m) => head >= m.length && h.subarray(0, m.length).equals(m))) return;
    let pos = 0;
    for (let entries = 0; pos < size; entries++) {
      if (size - pos < BLOCK)
        throw entries ? bad(`The archive is cut off after ${count(entries)} (at byte ${pos} of ${size}).`) : bad('The file is not a tar archive (it is shorter than one tar header).');
      await f.read(h, 0, BLOCK, pos);
      if (h.every((b) => b === 0)) return; // the end-of-archive blocks
      const name = h.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      if (!checksumOk(h)) throw entries ? bad(`The archive is damaged at byte ${pos} (after ${count(entries)}).`) : bad('The file is not a tar archive.');
      const data = field(h, 124, 12);
      if (data === undefined) throw bad(`The archive is damaged at byte ${pos} (entry "${name}" has no valid size).`);
      const flag = String.fromCharCode(h[156]!);
      const next = pos + BLOCK + (HEADER_ONLY.has(flag) ? 0 : data + padding(data));
      if (next > size) throw bad(`The archive is cut off in "${name}" (it needs ${next} bytes, the file has ${size}).`);
      pos = next;
    }
    // Ended on an entry's last block (the end-of-archive blocks left off): the engine takes that.
  } finally {
    await f.close();
  }
}
