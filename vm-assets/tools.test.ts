import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_TOOLS, buildBlocker } from './tools';

const bin = mkdtempSync(join(tmpdir(), 'berth-tools-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** A PATH of stand-ins for the given programs only. */
function pathWith(programs: string[]): string {
  const dir = join(bin, programs.join('-') || 'none');
  mkdirSync(dir, { recursive: true });
  for (const p of programs) {
    writeFileSync(join(dir, p), '#!/bin/sh\n');
    chmodSync(join(dir, p), 0o755);
  }
  return dir;
}

describe('whether the VM image can be built here', () => {
  const all = BUILD_TOOLS.map(([p]) => p);

  it('can, on Linux as root with every tool', () => {
    expect(buildBlocker({ PATH: pathWith(all) }, 'linux', 0)).toBeUndefined();
  });

  it('says what is missing and what to install', () => {
    const e = buildBlocker({ PATH: pathWith(all.filter((p) => p !== 'mksquashfs' && p !== 'wget')) }, 'linux', 0);
    expect(e).toMatchObject({ code: 'UNAVAILABLE', message: 'The tools that build the VM image are missing: mksquashfs, wget are not on PATH.' });
    // This machine has them in the usual folders, or not: either way the hint says what to do.
    expect(e!.hint).toMatch(/apt-get install (squashfs-tools|wget)|to PATH/);
    expect(e!.hint).toContain('BERTH_VM_ASSETS');
  });

  it('names the folder to add when a tool is there but off PATH (a PATH without /usr/sbin)', () => {
    const e = buildBlocker({ PATH: pathWith(all.filter((p) => p !== 'debootstrap')) }, 'linux', 0);
    expect(e!.message).toBe('The tools that build the VM image are missing: debootstrap is not on PATH.');
    expect(e!.hint).toMatch(/^(Add \/usr\/sbin to PATH \(debootstrap is there\)|Install it with `apt-get install debootstrap`), then start again\./);
  });

  it('cannot off Linux or as another user, and says where to put an image instead', () => {
    expect(buildBlocker({ PATH: pathWith(all) }, 'darwin', 501)).toMatchObject({
      message: 'Berth builds its VM image on Linux only, and this is darwin.',
      hint: expect.stringContaining('set BERTH_VM_ASSETS to that folder'),
    });
    expect(buildBlocker({ PATH: pathWith(all) }, 'linux', 1000)).toMatchObject({
      message: expect.stringContaining('needs root'),
      hint: expect.stringMatching(/sudo env HOME="\$HOME" npm run vm:build.*BERTH_VM_ASSETS/),
    });
  });
});
