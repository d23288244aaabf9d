import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec, cpio, inputHash, loadOrder } from './recipe';

describe('VM image recipe', () => {
  it('hashes inputs by name and content, not by order', () => {
    const a = inputHash({ 'spec.json': '{}', 'guest/init': 'x' });
    expect(inputHash({ 'guest/init': 'x', 'spec.json': '{}' })).toBe(a);
    expect(inputHash({ 'spec.json': '{}', 'guest/init': 'y' })).not.toBe(a);
    expect(inputHash({ 'spec.json': '{}', 'guest/init2': 'x' })).not.toBe(a);
    expect(inputHash({ 'spec.json': '{}guest/init', '': 'x' })).not.toBe(a); // names and bodies do not run together
  });

  it('reads the module load order from modprobe --show-depends, each module once', () => {
    const out = [
      'builtin crc32c',
      'insmod /k/lib/modules/6.1/kernel/lib/libcrc32c.ko ',
      'insmod /k/lib/modules/6.1/kernel/fs/ext4/ext4.ko',
      'insmod /k/lib/modules/6.1/kernel/lib/libcrc32c.ko',
      'insmod /k/x.ko.xz opt=1',
    ].join('\n');
    expect(loadOrder(out)).toEqual(['/k/lib/modules/6.1/kernel/lib/libcrc32c.ko', '/k/lib/modules/6.1/kernel/fs/ext4/ext4.ko', '/k/x.ko.xz']);
  });

  it('checks the spec, naming the field that is wrong', () => {
    const good = { arch: 'amd64', suite: 'bookworm', mirror: 'http://m', kernelPackage: 'linux-image-amd64', packages: ['docker.io'], bootModules: [], modules: [], moduleDirs: [], strip: [] };
    expect(checkSpec(good)).toEqual(good);
    expect(() => checkSpec({ ...good, suite: '' })).toThrow('spec.json: "suite" must be a non-empty string');
    expect(() => checkSpec({ ...good, packages: ['ok', 3] })).toThrow('spec.json: "packages" must be a list of names');
  });

  it('writes a newc archive that cpio unpacks with modes and contents intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cpio-'));
    try {
      const archive = cpio([
        { path: 'bin', mode: 0o040755 },
        { path: 'bin/tool', mode: 0o100755, data: Buffer.from('#!/bin/sh\necho hi\n') },
        { path: 'odd', mode: 0o100644, data: Buffer.from('abc') }, // not a multiple of 4
      ]);
      expect(archive.length % 512).toBe(0);
      writeFileSync(join(dir, 'a.cpio'), archive);
      execFileSync('busybox', ['cpio', '-i', '-d', '-F', join(dir, 'a.cpio')], { cwd: dir, stdio: 'pipe' });
      expect(readFileSync(join(dir, 'bin/tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(readFileSync(join(dir, 'odd'), 'utf8')).toBe('abc');
      expect(execFileSync('stat', ['-c', '%a', join(dir, 'bin/tool')], { encoding: 'utf8' }).trim()).toBe('755');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
