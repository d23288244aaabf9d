/**
 * The VM image build, for `npm run vm:build` and `berth vm build` (which the app runs when there is
 * no image): the package set fetched by debootstrap (or the last one, offline), installed into a
 * minbase root, Debian's kernel and the modules the VM needs, Berth's guest files, packed as:
 *   vmlinuz, initrd.img, root.img (squashfs), manifest.json (versions, sha256 and size of each file)
 * into <cache>/<input hash>/. Everything is made in <hash>.work/ and renamed into place only once
 * every file and the manifest are complete and on disk; then `current` is pointed at it in one step
 * (a new link renamed over the old). One build at a time per cache (a lock); a second waits and
 * then uses what the first made. When the inputs are unchanged the build is skipped.
 */
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../electron/shared/errors';
import { withFileLock } from '../electron/main/data-lock';
import { tempFor, vmAssetsCache, vmBuildCache, vmBuildFiles, vmImageFiles } from '../electron/main/paths';
import { imageStamp, sha256File } from '../electron/main/vm/assets';
import { fetchPackages, installPackages, kernelDeb, unpackKernel } from './packages';
import { BuildProgress, checkTimings, DEFAULT_TIMINGS, type Timings } from './progress';
import { checkSpec, inputHash, type VmSpec } from './recipe';
import { customizeRoot, initramfs, installModules } from './root';
import { run, runLines } from './run';
import { buildBlocker, recipeDir } from './tools';

export interface BuildOptions {
  env?: NodeJS.ProcessEnv;
  /** Rebuild even when an image of these inputs exists. */
  force?: boolean;
  /** Writes this text to /etc/berth-marker in the root: a second, different image from the same packages (tests). */
  marker?: string;
  /** Also copy the image into this folder (`npm run dist` bundles dist/vm). */
  stage?: string;
  report?: (e: { step: string; progress: number } | { note: string }) => void;
  /** Why it cannot be built here (default: tools.ts's checks). */
  blocker?: (env: NodeJS.ProcessEnv) => BerthError | undefined;
}

export interface BuildResult {
  dir: string;
  hash: string;
  /** False when an image of these inputs was there already. */
  built: boolean;
  ms: number;
}

const IMAGE_FILES = ['vmlinuz', 'initrd.img', 'root.img'] as const;

function loadSpec(recipe: string, env: NodeJS.ProcessEnv): VmSpec {
  const spec = checkSpec(JSON.parse(readFileSync(join(recipe, 'spec.json'), 'utf8')));
  return env.BERTH_VM_MIRROR ? { ...spec, mirror: env.BERTH_VM_MIRROR } : spec;
}

/** The build's code that shapes what is in the image (not how it reports, checks or waits). */
const IMAGE_CODE = ['builder.ts', 'packages.ts', 'recipe.ts', 'root.ts'];

/** Everything the image is made from: the spec, guest/, the code that makes it, a mirror or marker given. */
function inputs(recipe: string, env: NodeJS.ProcessEnv, marker: string | undefined): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = { 'spec.json': readFileSync(join(recipe, 'spec.json')) };
  for (const f of IMAGE_CODE) if (existsSync(join(recipe, f))) files[f] = readFileSync(join(recipe, f));
  for (const f of readdirSync(join(recipe, 'guest'))) files[`guest/${f}`] = readFileSync(join(recipe, 'guest', f));
  if (env.BERTH_VM_MIRROR) files.mirror = env.BERTH_VM_MIRROR;
  if (marker !== undefined) files.marker = marker;
  return files;
}

/** The input hash an image of this recipe (and marker) has: its folder's name in the cache. */
export function imageHash(recipe: string, env: NodeJS.ProcessEnv = process.env, marker?: string): string {
  return inputHash(inputs(recipe, env, marker)).slice(0, 16);
}

const isBuilt = (cache: string, hash: string) => existsSync(join(vmImageFiles.build(cache, hash), 'manifest.json'));

/** Points `current` at the build `hash` in one step: a new link, renamed over the old one. */
function pointCurrent(cache: string, hash: string): void {
  const current = vmImageFiles.current(cache);
  const tmp = tempFor(current);
  symlinkSync(hash, tmp);
  try {
    renameSync(tmp, current);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readTimings(file: string): Timings | undefined {
  try {
    return checkTimings(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** How long the next build here should take (ms): the last one's phases, when there was one. */
export function lastBuildTimings(env: NodeJS.ProcessEnv = process.env): Timings | undefined {
  return readTimings(vmBuildFiles.timings(vmBuildCache(env)));
}

function stageTo(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of [...IMAGE_FILES, 'manifest.json']) copyFileSync(join(from, f), join(to, f));
}

/** Runs `fn` holding `lock`; when another build holds it, says so and waits for it. */
async function holding<T>(lock: string, report: NonNullable<BuildOptions['report']>, fn: () => Promise<T>): Promise<T> {
  let entered = false;
  try {
    return await withFileLock(lock, () => ((entered = true), fn()), { waitMs: 0 });
  } catch (e) {
    if (entered || (e as BerthError).code !== 'CONFLICT') throw e;
  }
  let pid: number | undefined;
  try {
    pid = (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number }).pid;
  } catch {
    /* released meanwhile */
  }
  report({ note: `waiting for another build of the VM image${pid ? ` (process ${pid})` : ''} to finish` });
  return withFileLock(lock, fn, { waitMs: 60 * 60_000 });
}

/** A failed build in words: a full disk, or the tool's own last lines. */
export function buildFailure(e: unknown, cache: string): BerthError {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException & { output?: string };
  if (err.code === 'ENOSPC' || /No space left on device/.test(`${err.message}\n${err.output ?? ''}`)) {
    return new BerthError('UNAVAILABLE', `The disk is full: building the VM image needs about 1.5 GB free in ${cache}.`, { hint: 'Free some space and start again.' });
  }
  const lines = err.message.split('\n');
  const text = lines.length > 12 ? [lines[0], '…', ...lines.slice(-10)].join('\n') : err.message;
  return new BerthError('COMMAND_FAILED', `Building the VM image failed: ${text}`, { hint: 'The lines above say what went wrong; fix that and start again (`berth vm build` shows the whole build).' });
}

export async function buildImage(opts: BuildOptions = {}): Promise<BuildResult> {
  const env = opts.env ?? process.env;
  const report = opts.report ?? (() => undefined);
  const started = Date.now();
  const blocker = () => (opts.blocker ?? buildBlocker)(env);
  const recipe = recipeDir(env);
  if (!recipe) throw buildBlocker(env)!;
  const spec = loadSpec(recipe, env);
  const cache = vmAssetsCache(env);
  const hash = imageHash(recipe, env, opts.marker);
  const dir = vmImageFiles.build(cache, hash);
  const result = (built: boolean): BuildResult => {
    if (opts.stage) stageTo(dir, opts.stage);
    return { dir, hash, built, ms: Date.now() - started };
  };
  if (!opts.force && isBuilt(cache, hash)) {
    pointCurrent(cache, hash);
    return result(false);
  }
  const cannot = blocker();
  if (cannot) throw cannot;
  mkdirSync(cache, { recursive: true });
  const buildCache = vmBuildCache(env);
  mkdirSync(buildCache, { recursive: true });
  const buildOnce = async () => {
    if (!opts.force && isBuilt(cache, hash)) {
      pointCurrent(cache, hash); // the build we waited for made it
      return result(false);
    }
    for (const f of readdirSync(buildCache)) if (f.endsWith('.tmp')) rmSync(join(buildCache, f), { force: true }); // of a build that was killed
    const work = vmImageFiles.work(cache, hash);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    try {
      await build({ spec, recipe, cache, hash, work, env, marker: opts.marker, report });
    } catch (e) {
      throw buildFailure(e, cache);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return result(true);
  };
  // One build per image cache (a second one then uses what the first made), and per build cache (its .debs and package sets).
  return holding(vmImageFiles.lock(cache), report, () => holding(vmBuildFiles.lock(buildCache), report, buildOnce));
}

async function build(b: { spec: VmSpec; recipe: string; cache: string; hash: string; work: string; env: NodeJS.ProcessEnv; marker: string | undefined; report: NonNullable<BuildOptions['report']> }): Promise<void> {
  const { spec, work } = b;
  const buildCache = vmBuildCache(b.env);
  const progress = new BuildProgress(readTimings(vmBuildFiles.timings(buildCache)) ?? DEFAULT_TIMINGS, (step, p) => b.report({ step, progress: p }));
  const note = (words: string) => b.report({ note: words });

  progress.enter('fetch');
  const { tarball, offline } = await fetchPackages(spec, buildCache, work, progress, note);
  progress.enter('install');
  const root = join(work, 'root');
  await installPackages(spec, tarball, root, progress);

  progress.enter('kernel');
  const kernel = unpackKernel(kernelDeb(spec, buildCache, note), work);
  installModules(spec, kernel, root);
  customizeRoot(spec, b.recipe, root, b.marker);
  const versions = Object.fromEntries(
    run('chroot', [root, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n', ...spec.packages, 'containerd', 'runc', 'iptables', 'tini'])
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
  const out = join(work, 'out');
  mkdirSync(out);
  copyFileSync(join(kernel.tree, 'boot', `vmlinuz-${kernel.version}`), join(out, 'vmlinuz'));
  writeFileSync(join(out, 'initrd.img'), initramfs(spec, b.recipe, kernel, root));

  progress.enter('pack');
  await runLines('mksquashfs', [root, join(out, 'root.img'), '-comp', 'lz4', '-noappend', '-no-progress', '-quiet'], () => undefined);

  progress.enter('check');
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const f of IMAGE_FILES) {
    fsyncPath(join(out, f)); // on disk before the manifest that names it
    files[f] = { sha256: await sha256File(join(out, f)), bytes: statSync(join(out, f)).size };
  }
  const manifest = { inputs: b.hash, arch: spec.arch, suite: spec.suite, mirror: spec.mirror, kernel: { package: kernel.pkg, version: kernel.pkgVersion, release: kernel.version }, packages: versions, files, ...(b.marker !== undefined ? { marker: b.marker } : {}), builtAt: new Date().toISOString() };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  fsyncPath(join(out, 'manifest.json'));
  // The sha256 were just taken: starts need not take them again while the files stay as they are.
  writeFileSync(vmImageFiles.verified(out), JSON.stringify(imageStamp(out, manifest)) + '\n');
  fsyncPath(out);

  const dir = vmImageFiles.build(b.cache, b.hash);
  if (existsSync(dir)) renameSync(dir, join(work, 'replaced')); // --force: removed with the work folder
  renameSync(out, dir);
  fsyncPath(b.cache);
  pointCurrent(b.cache, b.hash);
  // Older builds go (about 250 MB each); a VM running from one keeps its open files until it stops.
  for (const old of readdirSync(b.cache)) if (/^[0-9a-f]{16}(\.work)?$/.test(old) && old !== b.hash && old !== `${b.hash}.work`) rmSync(join(b.cache, old), { recursive: true, force: true });
  const timings = vmBuildFiles.timings(buildCache);
  const tmp = tempFor(timings);
  writeFileSync(tmp, JSON.stringify(progress.finish(offline ? ['fetch'] : [])) + '\n');
  renameSync(tmp, timings);
}
