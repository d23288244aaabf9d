/**
 * Shaping the debootstrap root into the VM's: the kernel modules it needs (with their
 * dependencies), Berth's guest files, what is stripped, and the small initramfs that mounts it.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cpio, loadOrder, type CpioEntry, type VmSpec } from './recipe';
import { run } from './run';

export interface KernelTree {
  /** The unpacked kernel package. */
  tree: string;
  /** Its release (the lib/modules folder name). */
  version: string;
}

/** Where a marker build writes its text in the root (a second image from the same packages). */
export const MARKER_FILE = 'etc/berth-marker';

/** The .ko files (absolute, in load order) that `names` need, dependencies first. */
function moduleClosure(kernel: KernelTree, names: string[]): string[] {
  const out = new Set<string>();
  for (const name of names) for (const ko of loadOrder(run('modprobe', ['-d', kernel.tree, '-S', kernel.version, '--show-depends', name]))) out.add(ko);
  return [...out];
}

export function installModules(spec: VmSpec, kernel: KernelTree, root: string): void {
  const from = join(kernel.tree, 'lib/modules', kernel.version);
  const to = join(root, 'lib/modules', kernel.version);
  for (const dir of spec.moduleDirs) cpSync(join(from, dir), join(to, dir), { recursive: true });
  for (const ko of moduleClosure(kernel, spec.modules)) {
    const rel = ko.slice(ko.indexOf('/kernel/') + 1);
    mkdirSync(join(to, rel, '..'), { recursive: true });
    copyFileSync(ko, join(to, rel));
  }
  for (const f of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) copyFileSync(join(from, f), join(to, f));
  run('depmod', ['-b', root, kernel.version]);
  for (const name of spec.modules) run('modprobe', ['-d', root, '-S', kernel.version, '--show-depends', name]); // throws if one is missing
}

export function customizeRoot(spec: VmSpec, recipe: string, root: string, marker?: string): void {
  for (const pattern of spec.strip) {
    if (!pattern.endsWith('*')) {
      rmSync(join(root, pattern), { recursive: true, force: true });
      continue;
    }
    const dir = join(root, pattern, '..');
    const prefix = basename(pattern).slice(0, -1);
    for (const f of existsSync(dir) ? readdirSync(dir) : []) if (f.startsWith(prefix)) rmSync(join(dir, f), { recursive: true, force: true });
  }
  copyFileSync(join(recipe, 'guest/berth-init'), join(root, 'sbin/berth-init'));
  chmodSync(join(root, 'sbin/berth-init'), 0o755);
  copyFileSync(join(recipe, 'guest/sshd_config'), join(root, 'etc/ssh/berth_sshd_config'));
  mkdirSync(join(root, 'etc/docker'), { recursive: true });
  copyFileSync(join(recipe, 'guest/daemon.json'), join(root, 'etc/docker/daemon.json'));
  writeFileSync(join(root, 'etc/hostname'), 'berth\n');
  if (marker !== undefined) writeFileSync(join(root, MARKER_FILE), `${marker}\n`);
}

export function initramfs(spec: VmSpec, recipe: string, kernel: KernelTree, root: string): Buffer {
  const dir = (path: string): CpioEntry => ({ path, mode: 0o040755 });
  const file = (path: string, data: Buffer, mode = 0o644): CpioEntry => ({ path, mode: 0o100000 | mode, data });
  const kos = moduleClosure(kernel, spec.bootModules);
  return cpio([
    dir('bin'),
    file('bin/busybox', readFileSync(join(root, 'bin/busybox')), 0o755),
    file('init', readFileSync(join(recipe, 'guest/init')), 0o755),
    dir('modules'),
    ...kos.map((ko) => file(`modules/${basename(ko)}`, readFileSync(ko))),
    file('modules.order', Buffer.from(kos.map((ko) => basename(ko)).join('\n') + '\n')),
  ]);
}
