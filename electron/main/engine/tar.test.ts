import { execFileSync } from 'node:child_process';
import { tempDir } from '../../../test/support/temp';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { END_OF_ARCHIVE, fileHeader, padding, TarHeaderReader, type TarHeader } from './tar';

/** Headers read from `data` pushed in pieces of `piece` bytes. */
function readAll(data: Buffer, piece: number): TarHeader[] {
  const r = new TarHeaderReader();
  const out: TarHeader[] = [];
  for (let i = 0; i < data.length; i += piece) out.push(...r.push(data.subarray(i, i + piece)));
  expect(r.ended).toBe(true);
  return out;
}

describe('TarHeaderReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const long = `${'deep-'.repeat(30)}name.txt`; // > 100 bytes: needs a PAX or GNU record
  mkdirSync(join(dir, 'root/sub'), { recursive: true });
  writeFileSync(join(dir, 'root/a.txt'), 'x'.repeat(1000));
  writeFileSync(join(dir, 'root/sub', long), 'hello');
  symlinkSync('a.txt', join(dir, 'root/link'));

  for (const format of ['pax', 'gnu', 'ustar']) {
    it(`lists every entry of a ${format} archive whatever the piece size`, () => {
      const args = ['-C', dir, '-cf', '-', `--format=${format}`, 'root'];
      if (format === 'ustar') args.splice(args.indexOf('root'), 1, 'root/a.txt', 'root/link');
      const tar = execFileSync('tar', args);
      for (const piece of [1, 7, 512, 100_000]) {
        const byName = Object.fromEntries(readAll(tar, piece).map((h) => [h.name.replace(/\/$/, ''), h]));
        expect(byName['root/a.txt']).toMatchObject({ type: 'file', size: 1000 });
        expect(byName['root/link']).toMatchObject({ type: 'link', linkname: 'a.txt' });
        if (format !== 'ustar') {
          expect(byName['root/sub']?.type).toBe('dir');
          expect(byName[`root/sub/${long}`]).toMatchObject({ type: 'file', size: 5 });
        }
      }
    });
  }
});

describe('fileHeader', () => {
  for (const name of ['short.txt', `${'x'.repeat(120)}.bin`]) {
    it(`writes a one-file archive that tar(1) extracts (${name.length}-char name)`, () => {
      const body = Buffer.from('contents\n'.repeat(100));
      const archive = Buffer.concat([fileHeader(name, body.length, 0o640), body, Buffer.alloc(padding(body.length)), END_OF_ARCHIVE]);
      const out = tempDir('tarx');
      execFileSync('tar', ['-C', out, '-xf', '-'], { input: archive });
      expect(readFileSync(join(out, name)).equals(body)).toBe(true);
      expect(readAll(archive, 64).map((h) => [h.name, h.size, h.mode])).toEqual([[name, body.length, 0o640]]);
    });
  }
});
