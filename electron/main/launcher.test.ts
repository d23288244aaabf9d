import { mkdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '../../test/support/temp';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, planLaunch, type LaunchProbe } from './launcher';

const probe = (over: Partial<LaunchProbe>): LaunchProbe => ({ platform: 'linux', env: { DISPLAY: ':0' }, electronBinary: () => '/e/electron', shellBuilt: true, ...over });

describe('launch plan', () => {
  it.each<[Partial<LaunchProbe>, RegExp]>([
    [{ electronBinary: () => undefined }, /not installed/],
    [{ env: {} }, /no display/],
    [{ shellBuilt: false }, /not part of this build/],
    [{ env: { DISPLAY: ':0', BERTH_BROWSER_MODE: '1' } }, /BERTH_BROWSER_MODE/],
  ])('falls back to browser mode and says why (%o)', (over, why) => {
    const plan = planLaunch(probe(over));
    expect(plan.mode).toBe('browser');
    expect(plan.mode === 'browser' && plan.reason).toMatch(why);
  });

  it('uses Electron when the binary, a display and the shell are there', () => {
    expect(planLaunch(probe({}))).toEqual({ mode: 'electron', binary: '/e/electron' });
    expect(planLaunch(probe({ platform: 'darwin', env: {} }))).toEqual({ mode: 'electron', binary: '/e/electron' });
  });
});

describe('findElectronBinary', () => {
  const pkg = () => {
    const dir = tempDir('electron');
    writeFileSync(join(dir, 'package.json'), '{}');
    return dir;
  };

  it('is undefined when the download was skipped (no path.txt), without trying to download', () => {
    const dir = pkg();
    expect(findElectronBinary(() => join(dir, 'package.json'), {})).toBeUndefined();
  });

  it('finds dist/<path.txt> when it exists', () => {
    const dir = pkg();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary(() => join(dir, 'package.json'), {})).toBeUndefined();
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    expect(findElectronBinary(() => join(dir, 'package.json'), {})).toBe(join(dir, 'dist', 'electron'));
  });

  it('is undefined when the package cannot be resolved', () => {
    expect(
      findElectronBinary(() => {
        throw new Error('MODULE_NOT_FOUND');
      }, {}),
    ).toBeUndefined();
  });
});
