import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paths } from '../paths';
import type { VmManifest } from './assets';
import { checkEngine, majorMinor, readEngineRecord, recordEngine } from './engine-record';

const homes: string[] = [];
afterEach(() => {
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});
function env() {
  const home = mkdtempSync(join(tmpdir(), 'berth-engine-'));
  homes.push(home);
  mkdirSync(paths.vm({ BERTH_HOME: home }), { recursive: true });
  return { BERTH_HOME: home };
}
const image = (engine: string | undefined, inputs = 'img'): VmManifest => ({
  inputs,
  arch: 'amd64',
  kernel: { package: '', version: '', release: '' },
  packages: engine ? { 'docker.io': engine } : {},
  files: {} as VmManifest['files'],
  builtAt: '',
});

describe('the engine that last used the data disk', () => {
  it('reads major.minor from Debian package versions', () => {
    expect(majorMinor('26.1.5+dfsg1-9+deb13u1+b1')).toEqual([26, 1]);
    expect(majorMinor('1:27.3.0-1')).toEqual([27, 3]);
    expect(majorMinor('20.10.24+dfsg1-1+b3')).toEqual([20, 10]);
    expect(majorMinor('unknown')).toBeUndefined();
  });

  it('a start with the same or a newer engine goes ahead; an older one is refused in words, with what to do', () => {
    const e = env();
    recordEngine(e, image('26.1.5+dfsg1-9'));
    expect(readEngineRecord(e)).toMatchObject({ engine: '26.1.5+dfsg1-9', image: 'img' });
    expect(() => checkEngine(e, image('26.1.4-1'), '/d/data.qcow2')).not.toThrow(); // a patch release back is the same format
    expect(() => checkEngine(e, image('27.0.1-1'), '/d/data.qcow2')).not.toThrow();
    expect(() => checkEngine(e, image(undefined), '/d/data.qcow2')).not.toThrow(); // an image that does not say
    let err: unknown;
    try {
      checkEngine(e, image('20.10.24+dfsg1-1'), '/d/data.qcow2');
    } catch (x) {
      err = x;
    }
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message:
        'This VM image has Docker Engine 20.10, but the data disk was last used by Engine 26.1. An older engine may not read what a newer one wrote, so Berth did not start the VM and left the disk as it is.',
      hint: expect.stringMatching(/^Start it with an image that has Engine 26\.1 or newer .*move \/d\/data\.qcow2 and .*engine\.json aside\.$/),
    });
  });

  it('an unreadable record holds nothing back', () => {
    const e = env();
    writeFileSync(paths.vmEngine(e), '{not json');
    expect(readEngineRecord(e)).toBeUndefined();
    expect(() => checkEngine(e, image('1.0'), '/d')).not.toThrow();
  });

  it('the undo puts back what was there before (a start that never reached the disk)', () => {
    const e = env();
    const undoFirst = recordEngine(e, image('26.1.5'));
    undoFirst();
    expect(existsSync(paths.vmEngine(e))).toBe(false);
    recordEngine(e, image('26.1.5', 'a'));
    const before = readFileSync(paths.vmEngine(e), 'utf8');
    recordEngine(e, image('27.0.0', 'b'))();
    expect(readFileSync(paths.vmEngine(e), 'utf8')).toBe(before);
  });
});
