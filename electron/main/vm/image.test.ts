import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { ensureImage } from './image';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'berth-image-'));
  dirs.push(d);
  return d;
};

/** Writes a small image (three files and their manifest) into `dir`. */
function writeImage(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const name of ['vmlinuz', 'initrd.img', 'root.img']) {
    writeFileSync(join(dir, name), name);
    files[name] = { sha256: createHash('sha256').update(name).digest('hex'), bytes: name.length };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ inputs: 'abc', arch: 'amd64', kernel: {}, packages: { 'docker.io': '26.1.5' }, files, builtAt: '' }));
}

/** A stand-in for `berth vm build --json`: prints `lines`, then makes the image in the cache (or fails). */
function fakeBuilder(lines: object[], opts: { make?: boolean; exit?: number; stderr?: string } = {}) {
  const script = `
    const { createHash } = require('node:crypto');
    const { mkdirSync, writeFileSync, symlinkSync } = require('node:fs');
    for (const l of ${JSON.stringify(lines)}) console.log(JSON.stringify(l));
    console.log('a line that is not JSON');
    ${opts.stderr ? `console.error(${JSON.stringify(opts.stderr)});` : ''}
    if (${opts.make !== false}) {
      const dir = process.env.BERTH_VM_CACHE + '/abc';
      mkdirSync(dir, { recursive: true });
      const files = {};
      for (const name of ['vmlinuz', 'initrd.img', 'root.img']) {
        writeFileSync(dir + '/' + name, name);
        files[name] = { sha256: createHash('sha256').update(name).digest('hex'), bytes: name.length };
      }
      writeFileSync(dir + '/manifest.json', JSON.stringify({ inputs: 'abc', arch: 'amd64', kernel: {}, packages: {}, files, builtAt: '' }));
      symlinkSync('abc', process.env.BERTH_VM_CACHE + '/current');
      console.log(JSON.stringify({ done: { dir, built: true, ms: 5 } }));
    }
    process.exit(${opts.exit ?? 0});`;
  return { command: process.execPath, args: ['-e', script] };
}

const canBuild = () => undefined;

describe('the VM image a start boots', () => {
  it('uses the image there is, without a build', async () => {
    const cache = temp();
    writeImage(join(cache, 'abc'));
    symlinkSync('abc', join(cache, 'current'));
    const steps: string[] = [];
    const got = await ensureImage({ env: { BERTH_VM_CACHE: cache }, builder: fakeBuilder([], { make: false, exit: 1 }), blocker: canBuild, step: (s) => steps.push(s) });
    expect(got.assets.dir).toBe(join(cache, 'current'));
    expect(got.progress).toBeLessThan(0.1);
    expect(steps).toEqual([]);
  });

  it('builds one when there is none, its progress as steps with the time said up front', async () => {
    const cache = temp();
    const build = temp();
    writeFileSync(join(build, 'timings.json'), JSON.stringify({ phases: { fetch: 60_000, install: 100_000, kernel: 10_000, pack: 20_000, check: 5_000 }, counts: { fetch: 1, install: 1 } }));
    const seen: Array<[string, number | undefined]> = [];
    const got = await ensureImage({
      env: { BERTH_VM_CACHE: cache, BERTH_VM_BUILD_CACHE: build },
      builder: fakeBuilder([
        { step: 'fetching packages', progress: 0 },
        { note: 'waiting for another build of the VM image (process 7) to finish' },
        { step: 'installing packages', progress: 0.5 },
        { step: 'checking the files', progress: 0.99 },
      ]),
      blocker: canBuild,
      step: (s, p) => seen.push([s, p]),
    });
    expect(got.assets.dir).toBe(join(cache, 'current'));
    const share = 195_000 / (195_000 + 35_000); // the build's part of the whole start, from the last build's time
    expect(got.progress).toBeCloseTo(share);
    expect(seen).toEqual([
      ['Building the VM image (first start only, about 4 min): starting', 0],
      ['Building the VM image (first start only, about 4 min): fetching packages', 0],
      ['Building the VM image (first start only, about 4 min): waiting for another build of the VM image (process 7) to finish', undefined],
      ['Building the VM image (first start only, about 4 min): installing packages', expect.closeTo(0.5 * share)],
      ['Building the VM image (first start only, about 4 min): checking the files', expect.closeTo(0.99 * share)],
    ]);
  });

  it("passes the builder's error on in words, code and hint included, and makes nothing", async () => {
    const cache = temp();
    const failing = fakeBuilder([{ step: 'fetching packages', progress: 0 }, { error: { code: 'UNAVAILABLE', message: 'Could not download the VM packages.', hint: 'Check the network.' } }], {
      make: false,
      exit: 1,
    });
    const err = await ensureImage({ env: { BERTH_VM_CACHE: cache }, builder: failing, blocker: canBuild, step: () => undefined }).catch((e: BerthError) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: 'Could not download the VM packages.', hint: 'Check the network.' });
    expect(readdirSync(cache)).toEqual([]);
  });

  it('a builder that dies without a word: its exit and last stderr lines', async () => {
    const err = await ensureImage({
      env: { BERTH_VM_CACHE: temp() },
      builder: fakeBuilder([], { make: false, exit: 3, stderr: 'Segmentation fault' }),
      blocker: canBuild,
      step: () => undefined,
    }).catch((e: BerthError) => e);
    expect(err).toMatchObject({ code: 'COMMAND_FAILED', message: 'The VM image build stopped (exit code 3): Segmentation fault' });
  });

  it('where it cannot be built, says so with what to install or where to put an image', async () => {
    const blocker = () =>
      new BerthError('UNAVAILABLE', 'The tools that build the VM image are missing: debootstrap is not on PATH.', {
        hint: 'Install it with `apt-get install debootstrap`, then start again. Or ... set BERTH_VM_ASSETS to that folder.',
      });
    const err = await ensureImage({ env: { BERTH_VM_CACHE: temp() }, builder: fakeBuilder([]), blocker, step: () => undefined }).catch((e: BerthError) => e);
    expect(err).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'There is no Berth VM image on this computer. Berth cannot build one here: the tools that build the VM image are missing: debootstrap is not on PATH.',
      hint: expect.stringContaining('apt-get install debootstrap'),
    });
  });

  it('does not build past a BERTH_VM_ASSETS that names a folder without an image', async () => {
    const err = await ensureImage({ env: { BERTH_VM_CACHE: temp(), BERTH_VM_ASSETS: '/nonexistent' }, builder: fakeBuilder([]), blocker: canBuild, step: () => undefined }).catch((e: BerthError) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: 'BERTH_VM_ASSETS is /nonexistent, and that folder holds no VM image (no manifest.json).' });
  });
});
