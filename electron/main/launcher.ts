/** Decides how `berth start` runs: the Electron shell when it can, else browser mode, saying why. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LaunchProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Path of the Electron binary, or undefined when it is not installed. */
  electronBinary: () => string | undefined;
  /** Whether the Electron main bundle has been built. */
  shellBuilt: boolean;
}

export type LaunchPlan = { mode: 'electron'; binary: string } | { mode: 'browser'; reason: string };

export function planLaunch(p: LaunchProbe): LaunchPlan {
  if (p.env.BERTH_BROWSER_MODE === '1') return { mode: 'browser', reason: 'BERTH_BROWSER_MODE=1' };
  const binary = p.electronBinary();
  if (!binary) return { mode: 'browser', reason: 'the Electron binary is not installed' };
  if (p.platform === 'linux' && !p.env.DISPLAY && !p.env.WAYLAND_DISPLAY) {
    return { mode: 'browser', reason: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  if (!p.shellBuilt) return { mode: 'browser', reason: 'the Electron shell is not part of this build yet' };
  return { mode: 'electron', binary };
}

/**
 * Where the Electron binary is, without side effects: `require('electron')` would try to download
 * it when missing. Mirrors electron/index.js: dist/<path.txt>, or ELECTRON_OVERRIDE_DIST_PATH.
 */
export function findElectronBinary(resolve: (id: string) => string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let pkgDir: string;
  try {
    pkgDir = dirname(resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron') : rel ? join(pkgDir, 'dist', rel) : '';
  return binary && existsSync(binary) ? binary : undefined;
}
