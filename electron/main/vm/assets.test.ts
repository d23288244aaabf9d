import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paths } from '../paths';
import { findAssets, locateAssets, verifyAssets, verifyOnce } from './assets';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake image: three files of random-ish bytes and the manifest that names them. */
function image(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-assets-'));
  dirs.push(dir);
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const [name, size] of [
    ['vmlinuz', 1000],
    ['initrd.img', 3000],
    ['root.img', 3 << 20],
  ] as const) {
    const data = Buffer.alloc(size, name);
    writeFileSync(join(dir, name), data);
    files[name] = { sha256: createHash('sha256').update(data).digest('hex'), bytes: size };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ inputs: 'x', arch: 'amd64', kernel: {}, packages: {}, files, builtAt: '' }));
  return dir;
}

describe('VM image verification', () => {
  it('an intact image matches its manifest', async () => {
    const dir = image();
    expect(await verifyAssets(findAssets({ BERTH_VM_ASSETS: dir }))).toEqual([
      { name: 'vmlinuz', ok: true },
      { name: 'initrd.img', ok: true },
      { name: 'root.img', ok: true },
    ]);
  });

  it('names a file with one byte changed (same size), a shorter one and a missing one', async () => {
    const dir = image();
    const root = Buffer.alloc(3 << 20, 'root.img');
    root.writeUInt8(root.readUInt8(123_456) ^ 1, 123_456);
    writeFileSync(join(dir, 'root.img'), root);
    writeFileSync(join(dir, 'initrd.img'), 'short');
    rmSync(join(dir, 'vmlinuz'));
    const result = await verifyAssets(locateAssets({ BERTH_VM_ASSETS: dir }));
    expect(result).toEqual([
      { name: 'vmlinuz', ok: false, problem: 'missing' },
      { name: 'initrd.img', ok: false, problem: '5 bytes, the manifest says 3000' },
      { name: 'root.img', ok: false, problem: expect.stringMatching(/^sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…$/) },
    ]);
    // A start refuses the shortened image in words (the same-size change needs verify).
    expect(() => findAssets({ BERTH_VM_ASSETS: dir })).toThrow(/incomplete: vmlinuz is missing or damaged/);
  });

  it('a damaged manifest is a typed error with the next step, not a JSON exception', () => {
    for (const text of ['{', '[]', '{"files":{"vmlinuz":{"sha256":"zz","bytes":1}}}', 'null']) {
      const dir = image();
      writeFileSync(join(dir, 'manifest.json'), text);
      expect(() => locateAssets({ BERTH_VM_ASSETS: dir })).toThrow(expect.objectContaining({ code: 'UNAVAILABLE', hint: expect.stringContaining('vm:build -- --force') }));
    }
  });

  it('no image anywhere says how to get one', () => {
    expect(() => locateAssets({ BERTH_VM_ASSETS: '/nonexistent', BERTH_VM_CACHE: '/nonexistent' })).toThrow(
      expect.objectContaining({ code: 'UNAVAILABLE', message: 'There is no Berth VM image on this computer.' }),
    );
  });
});

describe('checking an image once per build', () => {
  /** Changes the byte at `at` in root.img, same size; `keepTime` puts its mtime back as it was. */
  function damage(dir: string, at: number, keepTime = false) {
    const file = join(dir, 'root.img');
    const { atime, mtime } = statSync(file);
    const root = readFileSync(file);
    root.writeUInt8(root.readUInt8(at) ^ 1, at);
    writeFileSync(file, root);
    if (keepTime) utimesSync(file, atime, mtime);
  }

  it('hashes once, then trusts the result while no file changes size or mtime; a changed file is checked again and refused', async () => {
    const dir = image();
    utimesSync(join(dir, 'root.img'), 1_700_000_000, 1_700_000_000); // whole seconds, so putting the time back is exact
    const home = mkdtempSync(join(tmpdir(), 'berth-home-'));
    dirs.push(home);
    const env = { BERTH_VM_ASSETS: dir, BERTH_HOME: home };
    let checks = 0;
    await verifyOnce(findAssets(env), env, () => checks++);
    expect(checks).toBe(1);
    expect(existsSync(join(dir, 'verified.json'))).toBe(false); // the image folder is not Berth's to write into
    expect(Object.keys(JSON.parse(readFileSync(paths.vmImagesVerified(env), 'utf8')))).toEqual([dir]);
    await verifyOnce(findAssets(env), env, () => checks++);
    expect(checks).toBe(1);
    damage(dir, 99, true); // the same size and mtime: not looked at again (that is the point of the stamp)
    await verifyOnce(findAssets(env), env, () => checks++);
    expect(checks).toBe(1);
    damage(dir, 100); // written now: a new mtime
    await expect(verifyOnce(findAssets(env), env, () => checks++)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^The VM image in ${dir} is damaged: root\\.img \\(sha256 [0-9a-f]{12}…, the manifest says [0-9a-f]{12}…\\)\\.$`)),
      hint: expect.stringContaining('berth vm build --force'),
    });
    expect(checks).toBe(2);
  });

  it('trusts the stamp the builder left beside the manifest: the first start does not hash again', async () => {
    const dir = image();
    const home = mkdtempSync(join(tmpdir(), 'berth-home-'));
    dirs.push(home);
    const env = { BERTH_VM_ASSETS: dir, BERTH_HOME: home };
    await verifyOnce(findAssets(env), env);
    writeFileSync(join(dir, 'verified.json'), JSON.stringify(JSON.parse(readFileSync(paths.vmImagesVerified(env), 'utf8'))[dir]) + '\n'); // as the builder writes it
    rmSync(paths.vmImagesVerified(env));
    let checks = 0;
    await verifyOnce(findAssets(env), env, () => checks++);
    expect(checks).toBe(0);
  });
});
