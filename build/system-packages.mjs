// The system packages Berth needs, installed when missing: `node build/system-packages.mjs app`
// (npm start, npm run vm:build) or `... test` (npm test). When all is there it does nothing and
// says nothing (one dpkg-query and a few file checks).
//
//   app   what the app needs: a C++ toolchain for `npm ci` (node-pty), QEMU to boot the VM, and
//         the tools `npm run vm:build` makes its image with.
//   test  the app's, plus what the tests use: Debian's docker.io (a private dockerd and the docker CLI),
//         chromium, busybox-static, docker-registry, openssh-server, and golang-docker-credential-helpers
//         with pass and gnupg (a real credential helper), podman (a Podman service); and from Debian 13, which
//         Debian 12 lacks: the Compose v2 CLI plugin (installed), a standalone buildx (unpacked in
//         /opt/berth/buildx only: installed, it would make every `docker build` of the suite a
//         BuildKit one) and dockerd 26 (unpacked in /opt/berth/docker-26, never over the system's).
//
// Installs as root on Debian (apt-get; Debian 13's parts through a throwaway apt setup, the
// system's apt sources untouched). Not root: says what to run and, for `test`, stops (the suites
// would fail later, less clearly); `app` goes on (Berth runs on another engine meanwhile). Not
// Debian: says what is needed and goes on (it cannot tell what is there). BERTH_SYSTEM_PACKAGES=skip
// skips all of it; --check only reports (exit 1 when something is missing).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arm = process.arch === 'arm64';
/** Debian packages of this machine's own release, per set (the test set includes the app's). */
export const DEBIAN_PACKAGES = {
  // g++, make, python3: `npm ci` compiles node-pty (no Linux prebuilds), so the README runs this set first.
  app: ['g++', 'make', 'python3', arm ? 'qemu-system-arm' : 'qemu-system-x86', 'qemu-utils', 'debootstrap', 'squashfs-tools', 'kmod'],
  test: ['docker.io', 'chromium', 'busybox-static', 'docker-registry', 'openssh-server', 'golang-docker-credential-helpers', 'pass', 'gnupg', 'podman'],
};
/** What each Debian 13 part is, for messages. */
export const trixiePart = (part, places = defaultPlaces()) =>
  ({
    compose: "the docker CLI's Compose v2 plugin (Debian 13's docker-compose)",
    buildx: `a standalone buildx in ${dirname(places.buildx)} (Debian 13's docker-buildx)`,
    docker26: `dockerd 26 unpacked in ${places.docker26} (Debian 13's docker.io)`,
  })[part];
export const TRIXIE_PARTS = ['compose', 'buildx', 'docker26'];
/** The commands the app set gives, for a machine that is not Debian. */
const APP_COMMANDS = ['g++', 'make', 'python3', arm ? 'qemu-system-aarch64' : 'qemu-system-x86_64', 'qemu-img', 'debootstrap', 'mksquashfs', 'depmod'];

export const defaultPlaces = (env = process.env, home = homedir()) => ({
  buildx: '/opt/berth/buildx/docker-buildx',
  docker26: env.BERTH_DOCKER_CURRENT || '/opt/berth/docker-26',
  pluginDirs: [
    join(env.DOCKER_CONFIG || join(home, '.docker'), 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ],
});

const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'inherit'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.filter((a) => !a.startsWith('Dir::')).join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  return r.stdout ?? '';
};
const onPath = (cmd, env) => (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));

/** What this machine has: Debian or not, root or not, which packages are installed, which files are there. */
export function probeMachine(env = process.env) {
  const debian = process.platform === 'linux' && existsSync('/etc/debian_version') && onPath('dpkg-query', env) && onPath('apt-get', env);
  return {
    platform: process.platform,
    debian,
    root: process.getuid?.() === 0,
    installed(packages) {
      const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', ...packages], { encoding: 'utf8' });
      return new Set(
        (r.stdout ?? '')
          .split('\n')
          .filter((l) => / ii\s*$/.test(l))
          .map((l) => l.split(' ')[0]),
      );
    },
    exists: existsSync,
    onPath: (cmd) => onPath(cmd, env),
    env,
  };
}

/** What of `set` is missing here: Debian packages and Debian 13 parts. */
export function missing(set, machine, places = defaultPlaces(machine.env)) {
  const wanted = set === 'test' ? [...DEBIAN_PACKAGES.app, ...DEBIAN_PACKAGES.test] : DEBIAN_PACKAGES.app;
  const have = machine.installed(wanted);
  const debian = wanted.filter((p) => !have.has(p));
  const trixie = [];
  if (set === 'test') {
    if (!machine.env.BERTH_COMPOSE && !places.pluginDirs.some((d) => machine.exists(join(d, 'docker-compose')))) trixie.push('compose');
    if (!machine.exists(places.buildx)) trixie.push('buildx');
    if (!machine.exists(join(places.docker26, 'versions.txt')) || !machine.exists(join(places.docker26, 'usr/sbin/dockerd'))) trixie.push('docker26');
  }
  return { debian, trixie };
}

const what = ({ debian, trixie }, places) => [...(debian.length ? [`Debian packages: ${debian.join(', ')}`] : []), ...trixie.map((t) => trixiePart(t, places))].join('; and ');

/**
 * Decides and does it: nothing (all there), install (root on Debian), or a message. Returns the
 * exit code: 1 only when the test set is missing something that cannot be installed here.
 */
export function ensure(set, machine, { check = false, log = console.error, install = installMissing, places = defaultPlaces(machine.env) } = {}) {
  const [forWhat, need] = set === 'test' ? ["Berth's tests", 'need'] : ['the Berth VM', 'needs'];
  if (!machine.debian) {
    if (set === 'app' && machine.platform !== 'linux') return 0; // elsewhere QEMU comes from the platform's own packages (Homebrew on macOS); nothing of this applies
    if (set === 'app') {
      const absent = APP_COMMANDS.filter((c) => !machine.onPath(c));
      if (absent.length)
        log(
          `Berth: the Berth VM needs ${absent.join(', ')} (a C++ toolchain for node-pty, QEMU, and the tools its image is built with). This is not Debian, so Berth cannot install them: use your system's package manager. Berth starts without them; another engine works meanwhile (Settings → Engines).`,
        );
    } else {
      log(
        `Berth: the tests run as root on Debian, with the Debian packages ${[...DEBIAN_PACKAGES.app, ...DEBIAN_PACKAGES.test].join(', ')}, and ${TRIXIE_PARTS.map((t) => trixiePart(t, places)).join(', ')}. This is not Debian, so Berth cannot tell what is there or install it: the tests go on, and each harness names what it misses.`,
      );
    }
    return 0;
  }
  const gap = missing(set, machine, places);
  if (!gap.debian.length && !gap.trixie.length) return 0;
  if (check || !machine.root) {
    const command = `sudo node ${join('build', 'system-packages.mjs')} ${set}`;
    log(`Berth: ${forWhat} ${need} what is not installed here: ${what(gap, places)}.`);
    if (check) return 1;
    log(`Install them as root with: ${command}${gap.debian.length && !gap.trixie.length ? `  (or: sudo apt-get install ${gap.debian.join(' ')})` : ''}`);
    if (set === 'app') {
      log('Berth starts without them: the Berth VM cannot boot or be built until they are there; another engine works meanwhile (Settings → Engines).');
      return 0;
    }
    log('npm test stops here: without them the suites fail further on, less clearly. BERTH_SYSTEM_PACKAGES=skip goes on anyway.');
    return 1;
  }
  log(`Berth: installing for ${forWhat}: ${what(gap, places)}`);
  try {
    install(gap, places);
  } catch (e) {
    log(`Berth: could not install them: ${e.message}. ${set === 'test' ? 'npm test stops here.' : 'Berth starts without them (the Berth VM needs them).'}`);
    return set === 'test' ? 1 : 0;
  }
  return 0;
}

/** Installs what `missing` found (as root on Debian). */
export function installMissing(gap, places) {
  const lock = ['-o', 'DPkg::Lock::Timeout=300']; // another apt-get at work: wait for it instead of failing
  if (gap.debian.length) {
    run('apt-get', [...lock, 'update', '-qq']);
    run('apt-get', [...lock, 'install', '-y', '-qq', ...gap.debian], { quiet: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (gap.trixie.length) installTrixie(gap.trixie, places);
}

/** Debian 13's parts, through a throwaway apt setup (its own lists and cache in a temp folder). */
export function installTrixie(parts, places) {
  const tmp = mkdtempSync(join(tmpdir(), 'berth-apt-'));
  try {
    for (const d of ['lists/partial', 'cache/archives/partial', 'debs']) mkdirSync(join(tmp, d), { recursive: true });
    // This machine's own release too: patchelf comes from it (below), built for this machine's libraries.
    const host = /^VERSION_CODENAME=(.*)$/m.exec(spawnSync('sh', ['-c', '. /etc/os-release && echo "VERSION_CODENAME=${VERSION_CODENAME:-}"'], { encoding: 'utf8' }).stdout ?? '')?.[1]?.trim();
    const releases = [...new Set(['trixie', ...(host ? [host] : [])])];
    writeFileSync(join(tmp, 'sources.list'), releases.map((r) => `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${r} main\n`).join(''));
    const opts = [
      '-o',
      `Dir::Etc::SourceList=${tmp}/sources.list`,
      '-o',
      'Dir::Etc::SourceParts=/dev/null',
      '-o',
      `Dir::State::Lists=${tmp}/lists`,
      '-o',
      `Dir::Cache=${tmp}/cache`,
      '-o',
      'APT::Sandbox::User=root',
    ];
    run('apt-get', [...opts, 'update', '-qq']);
    const debs = join(tmp, 'debs');
    const download = (...specs) => run('apt-get', [...opts, 'download', '-qq', ...specs], { cwd: debs });
    const deb = (name) => join(debs, readdirSync(debs).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb')) ?? `${name}_missing.deb`);
    if (parts.includes('compose')) {
      download('docker-compose/trixie');
      run('dpkg', ['-i', deb('docker-compose')], { quiet: true });
    }
    if (parts.includes('buildx')) {
      download('docker-buildx/trixie');
      run('dpkg', ['-x', deb('docker-buildx'), join(tmp, 'buildx')]);
      mkdirSync(dirname(places.buildx), { recursive: true });
      copyFileSync(join(tmp, 'buildx/usr/libexec/docker/cli-plugins/docker-buildx'), `${places.buildx}.new`);
      chmodSync(`${places.buildx}.new`, 0o755);
      renameSync(`${places.buildx}.new`, places.buildx);
    }
    if (parts.includes('docker26')) unpackDocker26(places.docker26, { tmp, host, download, deb });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Debian 13's docker.io, docker-cli, containerd, runc and tini unpacked (`dpkg -x`) into `dest`,
 * beside the system's docker.io. dockerd, containerd and the shims need glibc 2.34, which Debian
 * 12 has; runc (built against glibc 2.41) does not start on an older one. Then runc gets Debian
 * 13's glibc and libseccomp in the folder, named as its loader and library path (patchelf); runc
 * re-executes itself (/proc/self/exe), so a wrapper script would not do. Unpacked beside its
 * place and moved there in one step, so a half-unpacked folder is never used.
 */
function unpackDocker26(dest, { tmp, host, download, deb }) {
  const packages = ['docker.io', 'docker-cli', 'containerd', 'runc', 'tini', 'libc6', 'libseccomp2'];
  download(...packages.map((p) => `${p}/trixie`));
  mkdirSync(dirname(dest), { recursive: true });
  const root = mkdtempSync(`${dest}.new-`);
  try {
    for (const p of packages.slice(0, 5)) run('dpkg', ['-x', deb(p), root]);
    for (const d of ['usr/share/doc', 'usr/share/man', 'etc/init.d']) rmSync(join(root, d), { recursive: true, force: true });
    const versions = packages.map((p) => run('dpkg-deb', ['-W', '--showformat=${Package} ${Version}\\n', deb(p)], { stdio: ['ignore', 'pipe', 'inherit'] })).join('');
    writeFileSync(join(root, 'versions.txt'), versions);
    if (spawnSync(join(root, 'usr/sbin/runc'), ['--version'], { stdio: 'ignore' }).status !== 0) {
      if (!host) throw new Error("cannot tell this machine's Debian release, for patchelf");
      download(`patchelf/${host}`);
      run('dpkg', ['-x', deb('patchelf'), join(tmp, 'patchelf')]);
      const glibc = join(root, 'glibc');
      for (const p of ['libc6', 'libseccomp2']) run('dpkg', ['-x', deb(p), glibc]);
      for (const e of readdirSync(glibc)) if (e !== 'usr') rmSync(join(glibc, e), { recursive: true, force: true });
      for (const e of readdirSync(join(glibc, 'usr'))) if (e !== 'lib') rmSync(join(glibc, 'usr', e), { recursive: true, force: true });
      const libs = join(dest, 'glibc/usr/lib', arm ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu');
      run(join(tmp, 'patchelf/usr/bin/patchelf'), ['--set-interpreter', join(libs, arm ? 'ld-linux-aarch64.so.1' : 'ld-linux-x86-64.so.2'), '--set-rpath', libs, join(root, 'usr/sbin/runc')]);
    }
    chmodSync(root, 0o755);
    rmSync(`${dest}.old`, { recursive: true, force: true });
    if (existsSync(dest)) renameSync(dest, `${dest}.old`);
    renameSync(root, dest);
    rmSync(`${dest}.old`, { recursive: true, force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const first = (cmd) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0];
  console.error(`Berth: ${first(join(dest, 'usr/sbin/dockerd'))}; ${first(join(dest, 'usr/sbin/runc'))}; in ${dest}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const set = process.argv[2];
  if (set !== 'app' && set !== 'test') {
    console.error('usage: node build/system-packages.mjs app|test [--check]');
    process.exit(2);
  }
  if (process.env.BERTH_SYSTEM_PACKAGES === 'skip') process.exit(0);
  process.exitCode = ensure(set, probeMachine(), { check: process.argv.includes('--check') });
}
