/**
 * The pure parts of the VM image build: the spec's shape, the hash of everything the build reads
 * (a rebuild is skipped when it is unchanged), module load order from modprobe, and the newc cpio
 * format of the initramfs. build.ts runs the tools around them.
 */
import { createHash } from 'node:crypto';

export interface VmSpec {
  arch: string;
  suite: string;
  mirror: string;
  /** A Debian metapackage naming the kernel (its Depends is the versioned image package). */
  kernelPackage: string;
  /** Installed into the debootstrap minbase root. */
  packages: string[];
  /** Loaded by the initramfs, with their dependencies, to mount the root image. */
  bootModules: string[];
  /** Shipped in the root image with their dependencies... */
  modules: string[];
  /** ...and these module folders whole (for modules the kernel asks for by alias). */
  moduleDirs: string[];
  /** Removed from the root before it is packed; a trailing `*` matches names by prefix. */
  strip: string[];
}

export function checkSpec(value: unknown): VmSpec {
  const s = value as Record<string, unknown>;
  const str = (k: string) => {
    if (typeof s[k] !== 'string' || !s[k]) throw new Error(`spec.json: "${k}" must be a non-empty string`);
  };
  const list = (k: string) => {
    if (!Array.isArray(s[k]) || !(s[k] as unknown[]).every((x) => typeof x === 'string' && x)) throw new Error(`spec.json: "${k}" must be a list of names`);
  };
  ['arch', 'suite', 'mirror', 'kernelPackage'].forEach(str);
  ['packages', 'bootModules', 'modules', 'moduleDirs', 'strip'].forEach(list);
  return s as unknown as VmSpec;
}

/** One hash over named inputs, independent of the order they are given in. */
export function inputHash(inputs: Record<string, Buffer | string>): string {
  const h = createHash('sha256');
  for (const name of Object.keys(inputs).sort()) {
    const body = Buffer.from(inputs[name]!);
    h.update(`${name}\0${body.length}\0`).update(body);
  }
  return h.digest('hex');
}

/** `modprobe --show-depends` lines ("insmod /path/x.ko [opts]", "builtin x") -> .ko paths in load order, each once. */
export function loadOrder(showDepends: string): string[] {
  const seen = new Set<string>();
  for (const line of showDepends.split('\n')) {
    const m = /^insmod (\S+\.ko(?:\.\w+)?)/.exec(line.trim());
    if (m && !seen.has(m[1]!)) seen.add(m[1]!);
  }
  return [...seen];
}

export interface CpioEntry {
  path: string; // without a leading slash
  mode: number; // including the type bits (0o040000 dir, 0o100000 file)
  data?: Buffer;
}

/** An uncompressed newc ("070701") archive, as the kernel unpacks an initramfs. */
export function cpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  let ino = 1;
  const add = (path: string, mode: number, data: Buffer) => {
    const name = Buffer.from(`${path}\0`);
    const fields = [ino++, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    const header = Buffer.from(`070701${fields.map(hex).join('')}`);
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  };
  for (const e of entries) add(e.path, e.mode, e.data ?? Buffer.alloc(0));
  add('TRAILER!!!', 0, Buffer.alloc(0));
  const out = Buffer.concat(parts);
  return Buffer.concat([out, Buffer.alloc((512 - (out.length % 512)) % 512)]);
}
