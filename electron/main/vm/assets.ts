/**
 * Finds the VM image (vm-assets output): BERTH_VM_ASSETS (a folder with manifest.json), else the
 * image bundled with the app, else the latest `npm run vm:build` in the cache. Checks the files
 * the manifest names are there with their size (a sha256 of the 200 MB root image on every start
 * would cost more than the boot; `berth vm verify` could do that).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { vmAssetsCache } from '../paths';

export interface VmManifest {
  inputs: string;
  arch: string;
  kernel: { package: string; version: string; release: string };
  packages: Record<string, string>;
  files: Record<'vmlinuz' | 'initrd.img' | 'root.img', { sha256: string; bytes: number }>;
  builtAt: string;
}

export interface VmAssets {
  dir: string;
  kernel: string;
  initrd: string;
  rootImage: string;
  manifest: VmManifest;
}

export function findAssets(env: NodeJS.ProcessEnv = process.env, bundled?: string): VmAssets {
  const candidates = [env.BERTH_VM_ASSETS, bundled, join(vmAssetsCache(env), 'current')].filter((d): d is string => !!d);
  const dir = candidates.find((d) => existsSync(join(d, 'manifest.json')));
  if (!dir) {
    throw new BerthError('UNAVAILABLE', 'There is no Berth VM image on this computer.', { hint: 'Build it with `npm run vm:build` (as root, on Debian), or set BERTH_VM_ASSETS to a folder that has one.' });
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as VmManifest;
  for (const [name, f] of Object.entries(manifest.files)) {
    const file = join(dir, name);
    if (!existsSync(file) || statSync(file).size !== f.bytes) {
      throw new BerthError('UNAVAILABLE', `The VM image in ${dir} is incomplete: ${name} is missing or damaged.`, { hint: 'Rebuild it with `npm run vm:build -- --force`.' });
    }
  }
  return { dir, kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), rootImage: join(dir, 'root.img'), manifest };
}
