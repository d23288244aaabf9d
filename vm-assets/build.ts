/**
 * `npm run vm:build`: builds the Berth VM from Debian packages into the cache (never the repo):
 *   vmlinuz      Debian's kernel (spec.kernelPackage)
 *   initrd.img   busybox, the modules that reach the root image, and guest/init
 *   root.img     a squashfs of a debootstrap minbase root with dockerd, containerd, runc,
 *                iptables and sshd, started by guest/berth-init (no systemd)
 *   manifest.json  versions and sha256 of each file
 * into <cache>/<input hash>/, and points <cache>/current at it. When the inputs (spec.json,
 * guest/, this recipe) are unchanged the build is skipped. Needs root and Debian's debootstrap,
 * squashfs-tools and kmod. `--force` rebuilds anyway; `--stage DIR` also copies the image there.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { vmAssetsCache } from '../electron/main/paths';
import { checkSpec, cpio, inputHash, loadOrder, type CpioEntry, type VmSpec } from './recipe';

const here = join(__dirname, '../../vm-assets'); // run from dist/vm-assets/build.cjs
const log = (msg: string) => console.log(`vm:build: ${msg}`);
const run = (cmd: string, args: string[], opts: { cwd?: string } = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'], ...opts });

function requireTools(): void {
  if (process.getuid?.() !== 0) throw new Error('run as root (debootstrap and the image tools need it)');
  const missing = [['debootstrap', 'debootstrap'], ['mksquashfs', 'squashfs-tools'], ['depmod', 'kmod'], ['apt-get', 'apt']].filter(([bin]) => {
    try {
      run('sh', ['-c', `command -v ${bin}`]);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) throw new Error(`missing tools; install them with: apt-get install ${missing.map(([, pkg]) => pkg).join(' ')}`);
}

function inputs(): Record<string, Buffer> {
  const files: Record<string, Buffer> = { 'spec.json': readFileSync(join(here, 'spec.json')), 'recipe.ts': readFileSync(join(here, 'recipe.ts')), 'build.ts': readFileSync(join(here, 'build.ts')) };
  for (const f of readdirSync(join(here, 'guest'))) files[`guest/${f}`] = readFileSync(join(here, 'guest', f));
  return files;
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Downloads and unpacks the kernel; returns its version and the unpacked tree. */
function fetchKernel(spec: VmSpec, work: string): { version: string; pkg: string; pkgVersion: string; tree: string } {
  const debs = join(work, 'debs');
  mkdirSync(debs, { recursive: true });
  run('apt-get', ['download', `${spec.kernelPackage}:${spec.arch}`], { cwd: debs });
  const meta = readdirSync(debs).find((f) => f.startsWith(`${spec.kernelPackage}_`))!;
  const pkg = /linux-image-[^\s,]+/.exec(run('dpkg-deb', ['-f', join(debs, meta), 'Depends']))![0];
  run('apt-get', ['download', `${pkg}:${spec.arch}`], { cwd: debs });
  const deb = join(debs, readdirSync(debs).find((f) => f.startsWith(`${pkg}_`))!);
  const tree = join(work, 'kernel');
  run('dpkg-deb', ['-x', deb, tree]);
  const version = readdirSync(join(tree, 'lib/modules'))[0]!;
  run('depmod', ['-b', tree, version]);
  return { version, pkg, pkgVersion: run('dpkg-deb', ['-f', deb, 'Version']).trim(), tree };
}

/** The .ko files (absolute, in load order) that `names` need, dependencies first. */
function moduleClosure(tree: string, version: string, names: string[]): string[] {
  const out = new Set<string>();
  for (const name of names) for (const ko of loadOrder(run('modprobe', ['-d', tree, '-S', version, '--show-depends', name]))) out.add(ko);
  return [...out];
}

function installModules(spec: VmSpec, kernel: { tree: string; version: string }, root: string): void {
  const from = join(kernel.tree, 'lib/modules', kernel.version);
  const to = join(root, 'lib/modules', kernel.version);
  for (const dir of spec.moduleDirs) cpSync(join(from, dir), join(to, dir), { recursive: true });
  for (const ko of moduleClosure(kernel.tree, kernel.version, spec.modules)) {
    const rel = ko.slice(ko.indexOf('/kernel/') + 1);
    mkdirSync(join(to, rel, '..'), { recursive: true });
    copyFileSync(ko, join(to, rel));
  }
  for (const f of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) copyFileSync(join(from, f), join(to, f));
  run('depmod', ['-b', root, kernel.version]);
  for (const name of spec.modules) run('modprobe', ['-d', root, '-S', kernel.version, '--show-depends', name]); // throws if one is missing
}

function customizeRoot(spec: VmSpec, root: string): void {
  for (const pattern of spec.strip) {
    if (!pattern.endsWith('*')) {
      rmSync(join(root, pattern), { recursive: true, force: true });
      continue;
    }
    const dir = join(root, pattern, '..');
    const prefix = basename(pattern).slice(0, -1);
    for (const f of existsSync(dir) ? readdirSync(dir) : []) if (f.startsWith(prefix)) rmSync(join(dir, f), { recursive: true, force: true });
  }
  copyFileSync(join(here, 'guest/berth-init'), join(root, 'sbin/berth-init'));
  chmodSync(join(root, 'sbin/berth-init'), 0o755);
  copyFileSync(join(here, 'guest/sshd_config'), join(root, 'etc/ssh/berth_sshd_config'));
  mkdirSync(join(root, 'etc/docker'), { recursive: true });
  copyFileSync(join(here, 'guest/daemon.json'), join(root, 'etc/docker/daemon.json'));
  writeFileSync(join(root, 'etc/hostname'), 'berth\n');
}

function initramfs(spec: VmSpec, kernel: { tree: string; version: string }, root: string): Buffer {
  const dir = (path: string): CpioEntry => ({ path, mode: 0o040755 });
  const file = (path: string, data: Buffer, mode = 0o644): CpioEntry => ({ path, mode: 0o100000 | mode, data });
  const kos = moduleClosure(kernel.tree, kernel.version, spec.bootModules);
  return cpio([
    dir('bin'),
    file('bin/busybox', readFileSync(join(root, 'bin/busybox')), 0o755),
    file('init', readFileSync(join(here, 'guest/init')), 0o755),
    dir('modules'),
    ...kos.map((ko) => file(`modules/${basename(ko)}`, readFileSync(ko))),
    file('modules.order', Buffer.from(kos.map((ko) => basename(ko)).join('\n') + '\n')),
  ]);
}

/** `--stage DIR`: copies the image into DIR too (`npm run dist` bundles dist/vm with the app). */
function stage(from: string): void {
  const i = process.argv.indexOf('--stage');
  if (i < 0) return;
  const to = process.argv[i + 1];
  if (!to) throw new Error('--stage needs a folder');
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of ['vmlinuz', 'initrd.img', 'root.img', 'manifest.json']) copyFileSync(join(from, f), join(to, f));
  log(`staged in ${to}`);
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  const spec = checkSpec(JSON.parse(readFileSync(join(here, 'spec.json'), 'utf8')));
  const cache = vmAssetsCache();
  const hash = inputHash(inputs()).slice(0, 16);
  const out = join(cache, hash);
  const current = join(cache, 'current');
  if (!force && existsSync(join(out, 'manifest.json'))) {
    rmSync(current, { force: true });
    symlinkSync(hash, current);
    log(`up to date: ${out}`);
    return stage(out);
  }
  requireTools();
  const started = Date.now();
  const work = join(cache, `${hash}.work`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const root = join(work, 'root');
  log(`debootstrap ${spec.suite} (minbase + ${spec.packages.join(', ')})`);
  run('debootstrap', ['--variant=minbase', `--arch=${spec.arch}`, `--include=${spec.packages.join(',')}`, spec.suite, root, spec.mirror]);
  log('kernel and modules');
  const kernel = fetchKernel(spec, work);
  installModules(spec, kernel, root);
  customizeRoot(spec, root);
  const versions = Object.fromEntries(
    run('chroot', [root, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n', ...spec.packages, 'containerd', 'runc', 'iptables', 'tini'])
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]),
  );
  const dist = join(work, 'out');
  mkdirSync(dist);
  copyFileSync(join(kernel.tree, 'boot', `vmlinuz-${kernel.version}`), join(dist, 'vmlinuz'));
  writeFileSync(join(dist, 'initrd.img'), initramfs(spec, kernel, root));
  log('packing the root image');
  run('mksquashfs', [root, join(dist, 'root.img'), '-comp', 'lz4', '-noappend', '-no-progress', '-quiet']);
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const f of ['vmlinuz', 'initrd.img', 'root.img']) files[f] = { sha256: await sha256(join(dist, f)), bytes: statSync(join(dist, f)).size };
  const manifest = { inputs: hash, arch: spec.arch, suite: spec.suite, kernel: { package: kernel.pkg, version: kernel.pkgVersion, release: kernel.version }, packages: versions, files, builtAt: new Date().toISOString() };
  writeFileSync(join(dist, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(dist, out);
  rmSync(work, { recursive: true, force: true });
  rmSync(current, { force: true });
  symlinkSync(hash, current);
  // Older builds go (about 190 MB each); a VM running from one keeps its open files until it stops.
  for (const old of readdirSync(cache)) if (/^[0-9a-f]{16}(\.work)?$/.test(old) && old !== hash) rmSync(join(cache, old), { recursive: true, force: true });
  stage(out);
  log(`built ${out} in ${Math.round((Date.now() - started) / 1000)} s (root.img ${(files['root.img']!.bytes / 2 ** 20).toFixed(0)} MiB)`);
}

main().catch((e: Error & { stderr?: string }) => {
  console.error(`vm:build: ${e.message}${e.stderr ? `\n${e.stderr}` : ''}`);
  process.exit(1);
});
