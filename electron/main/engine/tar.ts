/**
 * Just enough tar for the engine's archive API: reading entry headers out of a stream (ustar, with
 * the PAX and GNU long-name records Go's archive/tar writes) and writing a one-file archive whose
 * size is known up front, so an upload can be streamed without buffering it.
 */
export const BLOCK = 512;

export interface TarHeader {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mode: number;
  mtime: number; // unix seconds
  linkname: string;
}

function str(buf: Buffer, off: number, len: number): string {
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** A numeric field in base-256 (GNU, for values that do not fit the octal digits), or undefined when it is octal. */
export function base256(buf: Buffer, off: number, len: number): number | undefined {
  if (!(buf[off]! & 0x80)) return undefined;
  let n = 0;
  for (let i = off + 1; i < off + len; i++) n = n * 256 + buf[i]!;
  return n;
}

function num(buf: Buffer, off: number, len: number): number {
  const big = base256(buf, off, len);
  if (big !== undefined) return big;
  const s = str(buf, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

const TYPES: Record<string, TarHeader['type']> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'dir', '2': 'link' };

/** PAX records: "<len> key=value\n" repeated. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.toString('utf8', off, sp), 10);
    if (!(len > 0)) break;
    const rec = data.toString('utf8', sp + 1, off + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}

/**
 * Push bytes in any pieces; get the headers of the entries seen so far. File contents are skipped
 * without being kept, so memory stays at one block plus one pending extended header.
 */
export class TarHeaderReader {
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0; // content bytes (plus padding) still to pass over
  private extended: { kind: 'pax' | 'longname' | 'longlink'; size: number; chunks: Buffer[] } | null = null;
  private pax: Record<string, string> = {};
  private longName?: string;
  private longLink?: string;
  ended = false;

  push(data: Buffer): TarHeader[] {
    const out: TarHeader[] = [];
    const buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    let off = 0;
    while (!this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length - off);
        if (this.extended) this.extended.chunks.push(buf.subarray(off, off + n));
        this.skip -= n;
        off += n;
        if (this.skip > 0) break;
        if (this.extended) this.finishExtended();
        continue;
      }
      if (buf.length - off < BLOCK) break;
      const h = buf.subarray(off, off + BLOCK);
      off += BLOCK;
      if (h.every((b) => b === 0)) {
        this.ended = true;
        break;
      }
      const flag = String.fromCharCode(h[156]!);
      const size = num(h, 124, 12);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      if (flag === 'x' || flag === 'L' || flag === 'K') {
        this.extended = { kind: flag === 'x' ? 'pax' : flag === 'L' ? 'longname' : 'longlink', size, chunks: [] };
        this.skip = padded;
        if (padded === 0) this.finishExtended();
        continue;
      }
      if (flag === 'g') {
        this.skip = padded; // global PAX header: nothing we use
        continue;
      }
      const prefix = h.toString('utf8', 257, 263).startsWith('ustar') ? str(h, 345, 155) : '';
      const name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
      out.push({
        name,
        type: TYPES[flag] ?? 'other',
        size: this.pax.size !== undefined ? Number(this.pax.size) : size,
        mode: num(h, 100, 8) & 0o7777,
        mtime: this.pax.mtime !== undefined ? Math.floor(Number(this.pax.mtime)) : num(h, 136, 12),
        linkname: this.pax.linkpath ?? this.longLink ?? str(h, 157, 100),
      });
      this.pax = {};
      this.longName = this.longLink = undefined;
      this.skip = TYPES[flag] === 'file' ? padded : 0;
    }
    this.pending = Buffer.from(buf.subarray(off)); // copy: the caller's buffer may be reused
    return out;
  }

  private finishExtended(): void {
    const ext = this.extended!;
    this.extended = null;
    const data = Buffer.concat(ext.chunks).subarray(0, ext.size);
    if (ext.kind === 'pax') this.pax = parsePax(data);
    else if (ext.kind === 'longname') this.longName = str(data, 0, data.length);
    else this.longLink = str(data, 0, data.length);
  }
}

function octal(buf: Buffer, off: number, len: number, value: number): void {
  buf.write(value.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

export interface EntryInfo {
  type: 'file' | 'dir' | 'link';
  size?: number; // files only
  mode?: number;
  mtime?: number; // unix seconds
  linkname?: string; // links only
}

const FLAG = { file: '0', dir: '5', link: '2' } as const;

/** The header(s) of one entry: a PAX record first when a name or link target is too long for ustar. */
export function entryHeader(name: string, e: EntryInfo): Buffer {
  const mtime = e.mtime ?? Math.floor(Date.now() / 1000);
  const mode = e.mode ?? (e.type === 'dir' ? 0o755 : 0o644);
  const linkname = e.linkname ?? '';
  const records: [string, string][] = [];
  if (Buffer.byteLength(name) > 100) records.push(['path', name]);
  if (Buffer.byteLength(linkname) > 100) records.push(['linkpath', linkname]);
  const blocks: Buffer[] = [];
  if (records.length) {
    const body = Buffer.from(records.map(([k, v]) => paxRecord(k, v)).join(''));
    blocks.push(rawHeader('PaxHeader', { size: body.length, mode: 0o644, mtime, flag: 'x' }), body, Buffer.alloc(padding(body.length)));
  }
  blocks.push(rawHeader(name, { size: e.type === 'file' ? (e.size ?? 0) : 0, mode, mtime, flag: FLAG[e.type], linkname }));
  return Buffer.concat(blocks);
}

/** "<len> key=value\n" where len counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const rec = (len: number) => `${len} ${key}=${value}\n`;
  let len = Buffer.byteLength(rec(0));
  while (Buffer.byteLength(rec(len)) !== len) len = Buffer.byteLength(rec(len));
  return rec(len);
}

/** The 512-byte header of a regular file. */
export function fileHeader(name: string, size: number, mode = 0o644, mtime = Math.floor(Date.now() / 1000)): Buffer {
  return entryHeader(name, { type: 'file', size, mode, mtime });
}

function truncate(s: string): string {
  return Buffer.byteLength(s) > 100 ? Buffer.from(s).subarray(0, 100).toString('utf8') : s;
}

function rawHeader(name: string, h: { size: number; mode: number; mtime: number; flag: string; linkname?: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(truncate(name), 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write(h.flag, 156, 1, 'ascii');
  if (h.linkname) b.write(truncate(h.linkname), 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'ascii');
  b.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return b;
}

/** Zero bytes that round a file's content up to whole blocks. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
