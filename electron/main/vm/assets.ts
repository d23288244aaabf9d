/**
 * Finds the VM image (vm-assets output): BERTH_VM_ASSETS (a folder with manifest.json), else the
 * image bundled with the app, else the latest `npm run vm:build` in the cache. Checks the files
 * the manifest names are there with their size at every start, and their sha256 once per image
 * (verifyOnce: remembered by size and mtime, since hashing the 250 MB root image at every start
 * would cost seconds); `berth vm verify` checks every file's sha256 each time.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { BerthError } from '../../shared/errors';
import { withFileLock, writeFileAtomic } from '../data-lock';
import { readJsonFile } from '../json-file';
import { lockFor, paths, vmAssetsCache, vmImageFiles, VM_IMAGE_FILES, type VmImageFile } from '../paths';

export interface VmManifest {
  inputs: string;
  arch: string;
  kernel: { package: string; version: string; release: string };
  packages: Record<string, string>;
  files: Record<VmImageFile, { sha256: string; bytes: number }>;
  /** A marker build's text (also in the root as /etc/berth-marker). */
  marker?: string;
  builtAt: string;
}

export const NO_IMAGE = 'There is no Berth VM image on this computer.';

export interface VmAssets {
  dir: string;
  kernel: string;
  initrd: string;
  rootImage: string;
  manifest: VmManifest;
}

/** The image in use, its files checked for presence and size (quick, at every start). */
export function findAssets(env: NodeJS.ProcessEnv = process.env, bundled?: string): VmAssets {
  const assets = locateAssets(env, bundled);
  for (const [name, f] of Object.entries(assets.manifest.files)) {
    const file = vmImageFiles.file(assets.dir, name as VmImageFile);
    if (!existsSync(file) || statSync(file).size !== f.bytes) {
      throw new BerthError('UNAVAILABLE', `The VM image in ${assets.dir} is incomplete: ${name} is missing or damaged.`, {
        hint: 'Rebuild it with `npm run vm:build -- --force`, or check it with `berth vm verify`.',
      });
    }
  }
  return assets;
}

/** Where the image is and what its manifest says, unchecked (for `berth vm verify`). */
export function locateAssets(env: NodeJS.ProcessEnv = process.env, bundled?: string): VmAssets {
  const candidates = [env.BERTH_VM_ASSETS, bundled, vmImageFiles.current(vmAssetsCache(env))].filter((d): d is string => !!d);
  const dir = candidates.find((d) => existsSync(vmImageFiles.manifest(d)));
  if (!dir) {
    throw new BerthError('UNAVAILABLE', NO_IMAGE, { hint: 'Build it with `npm run vm:build` (as root, on Debian), or set BERTH_VM_ASSETS to a folder that has one.' });
  }
  return {
    dir,
    kernel: vmImageFiles.file(dir, VM_IMAGE_FILES.kernel),
    initrd: vmImageFiles.file(dir, VM_IMAGE_FILES.initrd),
    rootImage: vmImageFiles.file(dir, VM_IMAGE_FILES.rootImage),
    manifest: readManifest(dir),
  };
}

function readManifest(dir: string): VmManifest {
  const damaged = (why: string) => new BerthError('UNAVAILABLE', `The VM image in ${dir} has a damaged manifest.json (${why}).`, { hint: 'Rebuild it with `npm run vm:build -- --force`.' });
  let m: Partial<VmManifest>;
  try {
    m = JSON.parse(readFileSync(vmImageFiles.manifest(dir), 'utf8')) as Partial<VmManifest>;
  } catch (e) {
    throw damaged((e as Error).message);
  }
  const files = m?.files as Record<string, unknown> | undefined;
  const names = Object.values(VM_IMAGE_FILES);
  const ok = (f: unknown) => typeof f === 'object' && f !== null && /^[0-9a-f]{64}$/.test(String((f as { sha256?: unknown }).sha256)) && Number.isSafeInteger((f as { bytes?: unknown }).bytes);
  if (typeof files !== 'object' || files === null || !names.every((n) => ok(files[n]))) throw damaged(`it must name ${names.join(', ')} with a sha256 and a size`);
  return m as VmManifest;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface VerifiedFile {
  name: string;
  ok: boolean;
  /** Why it failed: missing, the size or the sha256 differs. */
  problem?: string;
}

/** `berth vm verify`: every file of the image against the sha256 and size its manifest names. */
export async function verifyAssets(assets: VmAssets): Promise<VerifiedFile[]> {
  const out: VerifiedFile[] = [];
  for (const [name, want] of Object.entries(assets.manifest.files)) {
    const file = vmImageFiles.file(assets.dir, name as VmImageFile);
    if (!existsSync(file)) out.push({ name, ok: false, problem: 'missing' });
    else if (statSync(file).size !== want.bytes) out.push({ name, ok: false, problem: `${statSync(file).size} bytes, the manifest says ${want.bytes}` });
    else {
      const got = await sha256File(file);
      out.push(got === want.sha256 ? { name, ok: true } : { name, ok: false, problem: `sha256 ${got.slice(0, 12)}…, the manifest says ${want.sha256.slice(0, 12)}…` });
    }
  }
  return out;
}

/** What a check of an image's sha256 is remembered by: each file's size and mtime (a change of either means a new check). */
export interface ImageStamp {
  inputs: string;
  files: Record<string, { bytes: number; mtimeMs: number }>;
}

export function imageStamp(dir: string, manifest: Pick<VmManifest, 'inputs' | 'files'>): ImageStamp | undefined {
  const files: ImageStamp['files'] = {};
  for (const name of Object.keys(manifest.files)) {
    try {
      const st = statSync(vmImageFiles.file(dir, name as VmImageFile));
      files[name] = { bytes: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return undefined;
    }
  }
  return { inputs: manifest.inputs, files };
}

const sameStamp = (a: unknown, b: ImageStamp) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks the image's files against their sha256 once: the result is kept in the data folder
 * (the builder also leaves one beside the manifest) and holds while no file's size or mtime
 * changes. A damaged image is refused in words. `checking` is said before a check that runs.
 */
export async function verifyOnce(assets: VmAssets, env: NodeJS.ProcessEnv = process.env, checking: () => void = () => undefined): Promise<void> {
  const stamp = imageStamp(assets.dir, assets.manifest);
  const beside = vmImageFiles.verified(assets.dir);
  const elsewhere = paths.vmImagesVerified(env);
  if (stamp && (sameStamp(readJsonFile(beside), stamp) || sameStamp((readJsonFile(elsewhere) as Record<string, unknown> | undefined)?.[assets.dir], stamp))) return;
  checking();
  const bad = (await verifyAssets(assets)).filter((f) => !f.ok);
  if (bad.length) {
    throw new BerthError('UNAVAILABLE', `The VM image in ${assets.dir} is damaged: ${bad.map((f) => `${f.name} (${f.problem})`).join(', ')}.`, {
      hint: 'Rebuild it with `berth vm build --force` (in a checkout: `npm run vm:build -- --force`), or set BERTH_VM_ASSETS to an intact copy.',
    });
  }
  if (!stamp) return;
  // Remembered in Berth's data folder: an image folder is the builder's (it writes its own stamp),
  // the app's (read-only) or the user's (BERTH_VM_ASSETS), never Berth's to write into at start.
  await withFileLock(lockFor(elsewhere), async () => {
    const all = (readJsonFile(elsewhere) as Record<string, unknown> | undefined) ?? {};
    await writeFileAtomic(elsewhere, JSON.stringify({ ...all, [assets.dir]: stamp }) + '\n');
  });
}
