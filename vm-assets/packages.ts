/**
 * Getting the packages: debootstrap fetches the package set (only what changed since last time:
 * its --cache-dir keeps the .debs) into a tarball, and installs the root from that tarball. When the
 * mirror does not answer, the tarball of the last fetch of the same set is installed instead, and
 * the build says so; without one, it says what to do. The kernel's .deb is kept the same way.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BerthError } from '../electron/shared/errors';
import { tempFor, vmBuildFiles } from '../electron/main/paths';
import type { BuildProgress } from './progress';
import { inputHash, type VmSpec } from './recipe';
import { run, runLines, type ToolError } from './run';

const OFFLINE_HINT = 'Check the network connection and start again. Or build the image where there is a network (`npm run vm:build -- --stage DIR`) and set BERTH_VM_ASSETS to that folder.';
const downloadFailed = (output: string) => /Failed getting release|Couldn't download|Failed to fetch|Temporary failure resolving|Could not resolve|Connection refused|Unable to connect/i.test(output);

function debootstrapArgs(spec: VmSpec): string[] {
  return ['--variant=minbase', `--arch=${spec.arch}`, `--include=${spec.packages.join(',')}`];
}

/** The debootstrap tarball of the spec's package set, fetched now, or the last one (`offline`) when the mirror does not answer. */
export async function fetchPackages(spec: VmSpec, buildCache: string, work: string, progress: BuildProgress, note: (words: string) => void): Promise<{ tarball: string; offline: boolean }> {
  const key = inputHash({ suite: spec.suite, arch: spec.arch, mirror: spec.mirror, packages: [...spec.packages].sort().join(',') }).slice(0, 16);
  const tarball = vmBuildFiles.packages(buildCache, key);
  const debs = vmBuildFiles.debs(buildCache);
  mkdirSync(join(debs, 'partial'), { recursive: true }); // debootstrap downloads there first, so a cut download is never taken for a .deb
  const tmp = tempFor(tarball);
  const fetched: string[] = [];
  try {
    await runLines('debootstrap', [`--make-tarball=${tmp}`, `--cache-dir=${debs}`, ...debootstrapArgs(spec), spec.suite, join(work, 'fetch'), spec.mirror], (line) => {
      progress.line(line);
      const m = /^I: Validating (\S+) (\S+)$/.exec(line);
      if (m) fetched.push(`${m[1]}_${m[2]!.replace(/:/g, '%3a')}_`);
    });
    renameSync(tmp, tarball);
  } catch (e) {
    rmSync(tmp, { force: true });
    const output = (e as ToolError).output ?? '';
    if (!downloadFailed(output)) throw e;
    const why = output.split('\n').filter((l) => l.startsWith('E: ')).pop()?.slice(3) ?? 'no answer';
    if (!existsSync(tarball)) throw new BerthError('UNAVAILABLE', `Could not download the VM's packages from ${spec.mirror} (${why}).`, { hint: OFFLINE_HINT });
    note(`the package mirror did not answer (${why}); installing the packages fetched ${statSync(tarball).mtime.toISOString().slice(0, 10)}`);
    return { tarball, offline: true };
  }
  // Only the .debs of this fetch stay (older versions would pile up); the kernel's are kept apart.
  for (const f of readdirSync(debs)) if (f.endsWith('.deb') && !f.startsWith('linux-image') && !fetched.some((p) => f.startsWith(p))) rmSync(join(debs, f), { force: true });
  return { tarball, offline: false };
}

export async function installPackages(spec: VmSpec, tarball: string, root: string, progress: BuildProgress): Promise<void> {
  await runLines('debootstrap', [`--unpack-tarball=${tarball}`, ...debootstrapArgs(spec), spec.suite, root, spec.mirror], (line) => progress.line(line));
}

function aptFields(pkg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('apt-cache', ['show', '--no-all-versions', pkg]).split('\n')) {
    const m = /^([\w-]+): (.*)$/.exec(line);
    if (m && !(m[1]! in out)) out[m[1]!] = m[2]!;
  }
  return out;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The kernel package's .deb (from this machine's apt sources): the cached one when its sha256 is
 * what apt names, else downloaded. Offline, the newest kernel .deb in the cache, said in a note.
 */
export function kernelDeb(spec: VmSpec, buildCache: string, note: (words: string) => void): string {
  const debs = vmBuildFiles.debs(buildCache);
  mkdirSync(debs, { recursive: true });
  const pkg = /linux-image-[^\s,]+/.exec(aptFields(`${spec.kernelPackage}:${spec.arch}`).Depends ?? '')?.[0];
  if (!pkg) throw new BerthError('UNAVAILABLE', `apt knows no kernel package ${spec.kernelPackage} for ${spec.arch} here.`, { hint: 'Run `apt-get update` and start again.' });
  const want = aptFields(`${pkg}:${spec.arch}`);
  const cached = join(debs, basename(want.Filename ?? `${pkg}.deb`));
  if (existsSync(cached) && sha256(cached) === want.SHA256) return cached;
  const dl = join(debs, 'partial', 'kernel'); // beside the cache, so the finished .deb is renamed in
  rmSync(dl, { recursive: true, force: true });
  mkdirSync(dl, { recursive: true });
  try {
    run('apt-get', ['download', `${pkg}:${spec.arch}`], { cwd: dl });
  } catch (e) {
    rmSync(dl, { recursive: true, force: true });
    const older = readdirSync(debs).filter((f) => f.startsWith('linux-image-') && f.endsWith('.deb')).sort().pop();
    if (!downloadFailed((e as ToolError).output ?? '')) throw e;
    if (!older) throw new BerthError('UNAVAILABLE', `Could not download the VM's kernel (${pkg}).`, { hint: OFFLINE_HINT });
    note(`the kernel ${pkg} could not be downloaded; using ${older} from the cache`);
    return join(debs, older);
  }
  try {
    const got = join(dl, readdirSync(dl).find((f) => f.endsWith('.deb'))!);
    if (want.SHA256 && sha256(got) !== want.SHA256) throw new BerthError('COMMAND_FAILED', `The kernel package ${pkg} that apt downloaded does not match its sha256.`, { hint: 'Run `apt-get update` and start again.' });
    for (const f of readdirSync(debs)) if (f.startsWith('linux-image-') && f.endsWith('.deb')) rmSync(join(debs, f), { force: true });
    renameSync(got, cached);
    return cached;
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
}

/** Unpacks the kernel .deb and indexes its modules. */
export function unpackKernel(deb: string, work: string): { version: string; pkg: string; pkgVersion: string; tree: string } {
  const tree = join(work, 'kernel');
  run('dpkg-deb', ['-x', deb, tree]);
  const version = readdirSync(join(tree, 'lib/modules'))[0]!;
  run('depmod', ['-b', tree, version]);
  return { version, pkg: run('dpkg-deb', ['-f', deb, 'Package']).trim(), pkgVersion: run('dpkg-deb', ['-f', deb, 'Version']).trim(), tree };
}
