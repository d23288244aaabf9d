import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { END_OF_ARCHIVE, entryHeader, padding } from './tar';
import { checkTarFile } from './tar-check';

const dir = mkdtempSync(join(tmpdir(), 'berth-tar-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Buffer) => {
  const p = join(dir, `t${n++}`);
  writeFileSync(p, bytes);
  return p;
};
const entry = (name: string, content: Buffer) => Buffer.concat([entryHeader(name, { type: 'file', size: content.length }), content, Buffer.alloc(padding(content.length))]);
const why = (p: string) =>
  checkTarFile(p).then(
    () => 'ok',
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe('checkTarFile', () => {
  it('takes archives GNU tar writes (long names, links, a directory, an empty file), with or without the end blocks', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'a'.repeat(120), 'b'), { recursive: true });
    writeFileSync(join(src, 'a'.repeat(120), 'b', 'f'), Buffer.alloc(70_000, 7));
    writeFileSync(join(src, 'empty'), '');
    execFileSync('ln', ['-s', 'empty', join(src, 'link')]);
    const tar = execFileSync('tar', ['-C', src, '--format=pax', '-cf', '-', '.'], { maxBuffer: 1 << 26 });
    expect(await why(file(tar))).toBe('ok');
    const gnu = execFileSync('tar', ['-C', src, '--format=gnu', '-cf', '-', '.'], { maxBuffer: 1 << 26 });
    expect(await why(file(gnu))).toBe('ok');
    expect(await why(file(entry('x', Buffer.from('hi'))))).toBe('ok'); // no end-of-archive blocks
    expect(await why(file(Buffer.concat([entry('x', Buffer.from('hi')), END_OF_ARCHIVE])))).toBe('ok');
  });

  it('refuses words, an empty file, a cut-off archive and a damaged header, in words', async () => {
    expect(await why(file(Buffer.from('this is not a tar archive at all, just words')))).toMatch(/^INVALID_ARGUMENT: The file is not a tar archive/);
    expect(await why(file(Buffer.alloc(0)))).toMatch(/^INVALID_ARGUMENT: The file is empty/);
    expect(await why(file(Buffer.alloc(4096, 0x41)))).toMatch(/^INVALID_ARGUMENT: The file is not a tar archive\.$/);
    const two = Buffer.concat([entry('one', Buffer.alloc(1000, 1)), entry('two', Buffer.alloc(5000, 2)), END_OF_ARCHIVE]);
    expect(await why(file(two.subarray(0, 512 + 1024 + 512 + 3000)))).toMatch(/cut off in "two"/);
    expect(await why(file(two.subarray(0, 512 + 1024 + 100)))).toMatch(/cut off after 1 entry/);
    const damaged = Buffer.from(two);
    damaged[1539] = damaged[1539]! ^ 0xff; // a byte of the second header's name
    expect(await why(file(damaged))).toMatch(/damaged at byte 1536 \(after 1 entry\)/);
  });

  it('leaves compressed archives to the engine', async () => {
    expect(await why(file(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])))).toBe('ok');
  });
});
