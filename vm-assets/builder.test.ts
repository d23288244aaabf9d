import { spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '../electron/shared/errors';
import { vmImageFiles } from '../electron/main/paths';
import { buildFailure, buildImage, imageHash } from './builder';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A recipe (this folder's spec and guest files) and an empty cache. */
function setup() {
  const root = mkdtempSync(join(tmpdir(), 'berth-builder-'));
  dirs.push(root);
  const recipe = join(root, 'recipe');
  mkdirSync(recipe);
  cpSync(join(__dirname, 'spec.json'), join(recipe, 'spec.json'));
  cpSync(join(__dirname, 'guest'), join(recipe, 'guest'), { recursive: true });
  const cache = join(root, 'cache');
  const env = { BERTH_VM_RECIPE: recipe, BERTH_VM_CACHE: cache, BERTH_VM_BUILD_CACHE: join(root, 'build') };
  return { recipe, cache, env };
}

const made = (dir: string) => (mkdirSync(dir, { recursive: true }), writeFileSync(join(dir, 'manifest.json'), '{}'));

describe('the VM image build', () => {
  it('an image of the same inputs is used as it is; `current` moves to it in one step', async () => {
    const { recipe, cache, env } = setup();
    const hash = imageHash(recipe, env);
    made(join(cache, hash));
    symlinkSync('0123456789abcdef', join(cache, 'current')); // an older build
    const r = await buildImage({ env, blocker: () => new BerthError('UNAVAILABLE', 'not asked') });
    expect(r).toMatchObject({ dir: join(cache, hash), hash, built: false });
    expect(lstatSync(join(cache, 'current')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(cache, 'current'))).toBe(hash);
    expect(readdirSync(cache).sort()).toEqual([hash, 'current'].sort()); // no temp link left
  });

  it('a marker, or another mirror, is another image', () => {
    const { recipe, env } = setup();
    const plain = imageHash(recipe, env);
    expect(imageHash(recipe, env, 'one')).not.toBe(plain);
    expect(imageHash(recipe, env, 'two')).not.toBe(imageHash(recipe, env, 'one'));
    expect(imageHash(recipe, { ...env, BERTH_VM_MIRROR: 'http://127.0.0.1:9/debian' })).not.toBe(plain);
    expect(imageHash(recipe, env)).toBe(plain);
  });

  it('a failed build in words: a full disk says so; a tool failing gives its own last lines', () => {
    const full = Object.assign(new Error('mksquashfs failed (exit code 1):\nWrite failed because No space left on device'), { output: '' });
    expect(buildFailure(full, '/c')).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'The disk is full: building the VM image needs about 1.5 GB free in /c.',
      hint: 'Free some space and start again.',
    });
    expect(buildFailure(Object.assign(new Error('x'), { code: 'ENOSPC' }), '/c')).toMatchObject({ message: expect.stringContaining('The disk is full') });
    const long = new Error(['debootstrap failed (exit code 1):', ...Array.from({ length: 30 }, (_, i) => `line ${i}`)].join('\n'));
    const e = buildFailure(long, '/c');
    expect(e).toMatchObject({ code: 'COMMAND_FAILED', hint: expect.stringContaining('berth vm build') });
    expect(e.message.split('\n')).toEqual(['Building the VM image failed: debootstrap failed (exit code 1):', '…', ...Array.from({ length: 10 }, (_, i) => `line ${i + 20}`)]);
    const known = new BerthError('UNAVAILABLE', 'no mirror');
    expect(buildFailure(known, '/c')).toBe(known);
  });

  it('where it cannot build, it says why and makes nothing', async () => {
    const { cache, env } = setup();
    const err = await buildImage({ env, blocker: () => new BerthError('UNAVAILABLE', 'debootstrap is not on PATH.') }).catch((e: BerthError) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: 'debootstrap is not on PATH.' });
    expect(existsSync(cache)).toBe(false);
  });

  it('one build at a time: a second one says it waits, then uses what the first made', async () => {
    const { recipe, cache, env } = setup();
    const hash = imageHash(recipe, env);
    mkdirSync(cache, { recursive: true });
    const lock = vmImageFiles.lock(cache);
    // Another process holds the build lock (data-lock.ts's format), makes the image, then lets go.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `
      const fs = require('node:fs');
      fs.writeFileSync(${JSON.stringify(lock)}, JSON.stringify({ pid: process.pid, nonce: 'x', since: Date.now() }));
      console.log('held');
      setTimeout(() => {
        fs.mkdirSync(${JSON.stringify(join(cache, hash))});
        fs.writeFileSync(${JSON.stringify(join(cache, hash, 'manifest.json'))}, '{}');
        fs.rmSync(${JSON.stringify(lock)});
      }, 1500);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => other.stdout.once('data', resolve));
    const notes: string[] = [];
    const r = await buildImage({ env, blocker: () => undefined, report: (e) => 'note' in e && notes.push(e.note) });
    expect(notes).toEqual([`waiting for another build of the VM image (process ${other.pid}) to finish`]);
    expect(r).toMatchObject({ hash, built: false });
    expect(readlinkSync(join(cache, 'current'))).toBe(hash);
    expect(readdirSync(cache).sort()).toEqual([hash, 'current'].sort()); // the lock is gone, no work folder was made
  });
});
