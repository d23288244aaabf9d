/** Every file Berth keeps on disk is named here. BERTH_HOME moves them all (tests, portable installs). */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_HOME || join(homedir(), '.berth');
}

export const paths = {
  settings: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'settings.json'),
  /** Registry logins, mode 0600. */
  registries: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'registries.json'),
  /** How Berth brought each compose project up (files, env file, profiles, working folder). */
  composeProjects: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'compose-projects.json'),
  /** Sockets Berth listens on (local ends of SSH tunnels), mode 0700. */
  run: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run'),
  /**
   * The running Berth's own socket (mode 0600): while it listens, this data folder is in use, and a
   * second Berth asks it to show itself instead of starting (instance-lock.ts).
   */
  instance: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'berth.sock'),
  /** The VM's own files: data disk, SSH keys, seed folder, serial log (mode 0700). */
  vm: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm'),
  /** The guest's docker.sock, forwarded to this 0600 socket: the engine of the `berth` context. */
  vmDockerSocket: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'docker.sock'),
  /** The VM daemon's control socket (control.ts), 0600. */
  vmControlSocket: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'vm.sock'),
  /** What the VM daemon prints (its stdout and stderr), appended to by each daemon. */
  vmDaemonLog: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'daemon.log'),
  /** The VM's serial console as the backend writes it (`berth vm logs`, the VM page); a new boot starts it over. */
  vmConsoleLog: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'serial.log'),
  /** QEMU's machine protocol socket (QMP): port forwards, pause, save and restore. */
  vmQmpSocket: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'qmp.sock'),
  /** The folder the guest reads at boot (read-only): its SSH keys and the home folder to mount. */
  vmSeed: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'seed'),
  /** The per-install SSH client key Berth logs in to the VM with (0600; its `.pub` beside it: publicKeyOf). */
  vmClientKey: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'id_ed25519'),
  /** The guest's SSH host key, made here so that Berth can pin it (0600; its `.pub` beside it). */
  vmHostKey: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'ssh_host_ed25519_key'),
  /** The boot sector of the KVM probe (vm/backends/qemu/kvm.linux.ts), written before each probe. */
  vmKvmProbe: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'kvm-probe.img'),
  /** How long the last start that reached running took: the UI's "about N s" for the next one. */
  vmLastStart: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'last-start.json'),
  /** Which Docker engine last used the data disk, `{engine, image, at}`: a start with an older one is refused. */
  vmEngine: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'engine.json'),
  /**
   * The VM's state saved at its last stop (QEMU's migration stream: memory and devices), restored by
   * the next start (a warm start) when its record says it is safe; consumed by that start.
   */
  vmSavedState: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'saved-state.bin'),
  /** What the saved state needs to be restored (image, disk, resources, QEMU), or why there is none. */
  vmSavedStateRecord: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'saved-state.json'),
  /** The running QEMU's pid (its -pidfile): a stale one is ended at start, the overview reads its use. */
  vmPid: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'qemu.pid'),
  /** The unix socket QEMU's migration stream passes through while it is saved or restored. */
  vmMigrateSocket: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'run', 'migrate.sock'),
  /** Whether KVM worked here, for this boot of the host (a probe that hangs costs seconds at every start). */
  vmAccel: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'accel.json'),
  /** Images checked against their manifest's sha256 whose own folder is read-only (a bundled image). */
  vmImagesVerified: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'images-verified.json'),
  /** The VM's data disk (images, containers, volumes), kept across image upgrades. */
  vmDataDisk: (env?: NodeJS.ProcessEnv) => join(dataDir(env), 'vm', 'data.qcow2'),
};

/** An SSH key's public half, beside its private key file. */
export const publicKeyOf = (keyFile: string) => `${keyFile}.pub`;

/** A `berth` docker context the user made, kept when they asked Berth to replace it (0600). */
export const replacedDockerContext = (env: NodeJS.ProcessEnv | undefined, at: Date) => join(dataDir(env), `docker-context-berth.replaced-${at.toISOString().replace(/[:.]/g, '-')}.json`);

/** The docker CLI's config.json as it was before Berth first changed it (docker-cli.ts), once, 0600. */
export const dockerConfigBackup = (configFile: string) => `${configFile}.berth-backup`;

/**
 * The desktop app's login item on Linux (XDG autostart), written while "Start Berth at login" is
 * on; macOS and Windows keep theirs through Electron's setLoginItemSettings.
 */
export const autostartEntry = (env: NodeJS.ProcessEnv = process.env) => join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'berth.desktop');

/**
 * The data-folder lock (data-lock.ts), berth.lock in the folder a data file is in: held for each
 * read-modify-write of a file there, by any process (the app, `berth serve`, the VM daemon,
 * `berth vm`), and while a starting Berth claims the folder (instance-lock.ts). Its one name.
 */
export const lockFor = (file: string) => join(dirname(file), 'berth.lock');
/** Held for the few steps of taking over a lock whose holder died (data-lock.ts). */
export const lockBreakFor = (lock: string) => `${lock}.break`;

/** A temp file beside `file`, renamed over it to write it atomically; unique per process and write. */
let temps = 0;
export const tempFor = (file: string) => `${file}.${process.pid}-${++temps}.tmp`;

/**
 * Where a data file Berth could not use in full (settings.json, registries.json) is copied before
 * anything writes over it: <file>.bad-<time>.
 */
export const badCopyOf = (file: string, at: Date) => `${file}.bad-${at.toISOString().replace(/[:.]/g, '-')}`;
export const BAD_COPY_INFIX = '.bad-';

/** Where `npm run vm:build` writes VM images (<hash>/ and a `current` link); BERTH_VM_CACHE moves it. */
export function vmAssetsCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_VM_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'vm-assets');
}

/** The files of the VM image cache (vmAssetsCache): a folder per build, the `current` link, the build lock. */
export const vmImageFiles = {
  current: (cache: string) => join(cache, 'current'),
  build: (cache: string, hash: string) => join(cache, hash),
  /** A build in progress; renamed to its hash once every file and the manifest are complete. */
  work: (cache: string, hash: string) => join(cache, `${hash}.work`),
  /** Held by the one build that runs at a time (data-lock.ts). */
  lock: (cache: string) => join(cache, 'build.lock'),
  /** What an image is: versions, and each file's sha256 and size; an image folder is one that has it. */
  manifest: (imageDir: string) => join(imageDir, 'manifest.json'),
  /** A file the manifest names (VM_IMAGE_FILES), by that name. */
  file: (imageDir: string, name: VmImageFile) => join(imageDir, name),
  /** Beside an image's manifest.json: its files matched their sha256, at these sizes and mtimes. */
  verified: (imageDir: string) => join(imageDir, 'verified.json'),
};
/** The files an image's manifest names (the keys of its `files`), each in the image folder under that name. */
export const VM_IMAGE_FILES = { kernel: 'vmlinuz', initrd: 'initrd.img', rootImage: 'root.img' } as const;
export type VmImageFile = (typeof VM_IMAGE_FILES)[keyof typeof VM_IMAGE_FILES];

/**
 * Kernels decompressed from an image's vmlinuz for a direct (PVH) boot, shared by every data
 * folder (kernel.ts); BERTH_VM_KERNEL_CACHE moves it.
 */
export function vmKernelCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_VM_KERNEL_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'vm-kernels');
}
export const vmKernelFiles = {
  /** The ELF kernel, by the sha256 of the vmlinuz it came from. */
  pvh: (cache: string, sha: string) => join(cache, `${sha}.vmlinux`),
  /** Marks a vmlinuz that cannot boot that way (no PVH entry, an unknown format): not tried again. */
  none: (cache: string, sha: string) => join(cache, `${sha}.none`),
};

/**
 * What image builds keep between them, outside BERTH_VM_CACHE (so an empty image cache still reuses
 * it): fetched .debs, the package set for building offline, the last build's timings.
 * BERTH_VM_BUILD_CACHE moves it.
 */
export function vmBuildCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_VM_BUILD_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'berth', 'vm-build');
}
export const vmBuildFiles = {
  /** debootstrap's --cache-dir and the kernel's .debs. */
  debs: (cache: string) => join(cache, 'debs'),
  /** debootstrap --make-tarball of one package set (suite, arch, packages): what an offline build installs. */
  packages: (cache: string, key: string) => join(cache, `packages-${key}.tgz`),
  /** How long each phase of the last full build took, for the next one's estimate and progress. */
  timings: (cache: string) => join(cache, 'timings.json'),
  /** Held by the one build that uses this cache at a time (after the image cache's lock). */
  lock: (cache: string) => join(cache, 'build.lock'),
};
