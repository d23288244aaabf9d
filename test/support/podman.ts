/**
 * A private Podman service for tests: Debian's podman, `podman system service` on a socket in a
 * temp folder, with its own storage (--root, --runroot), containers.conf (volumes, events, tmp,
 * network configs all in the folder) so it never touches a system podman. It runs in a network
 * namespace of its own (`unshare -n`): netavark's bridge and iptables rules stay there, away from
 * the suite's dockerd; its unix socket is a file, so it answers from the test's namespace all the
 * same. Needs root (as CI has).
 *
 * The service lowers its own nofile/nproc limits and gives containers the same ones: podman asks
 * runc for 1048576 of each, which fails where the process lacks CAP_SYS_RESOURCE (as here).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusybox } from './test-image';

const LIMIT = 4096;

export class PrivatePodman {
  readonly dir: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-podman-'));
  }

  get socket(): string {
    return join(this.dir, 'podman.sock');
  }
  get dockerHost(): string {
    return `unix://${this.socket}`;
  }
  get logFile(): string {
    return join(this.dir, 'service.log');
  }
  private get conf(): string {
    return join(this.dir, 'containers.conf');
  }
  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, CONTAINERS_CONF: this.conf, CONTAINERS_REGISTRIES_CONF: join(this.dir, 'registries.conf') };
  }
  private get globalArgs(): string[] {
    return ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot'), '--storage-driver', 'overlay'];
  }

  static assertAvailable(): void {
    const r = spawnSync('podman', ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error("podman not found: install Debian's podman (apt-get install podman); npm test does: node build/system-packages.mjs test.");
    if (process.getuid?.() !== 0) throw new Error('the private podman service needs root');
  }

  /** Starts the service, waits for its /_ping, and loads the busybox test image into it. */
  async start(timeoutMs = 30_000): Promise<void> {
    PrivatePodman.assertAvailable();
    for (const d of ['tmp', 'networks', 'root', 'runroot']) mkdirSync(join(this.dir, d), { recursive: true });
    writeFileSync(
      this.conf,
      [
        '[containers]',
        `default_ulimits = ["nofile=${LIMIT}:${LIMIT}", "nproc=${LIMIT}:${LIMIT}"]`,
        '[engine]',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `events_logfile_path = "${join(this.dir, 'events.log')}"`,
        `tmp_dir = "${join(this.dir, 'tmp')}"`,
        `static_dir = "${join(this.dir, 'root/libpod')}"`,
        `volume_path = "${join(this.dir, 'root/volumes')}"`,
        '[network]',
        `network_config_dir = "${join(this.dir, 'networks')}"`,
        '',
      ].join('\n'),
    );
    // No registry is reachable: short names resolve to localhost only, never a search over the net.
    writeFileSync(join(this.dir, 'registries.conf'), 'unqualified-search-registries = []\nshort-name-mode = "permissive"\n');
    this.startService();
    await this.waitForPing(timeoutMs);
    buildBusybox(this);
  }

  /** (Re)starts the service process on the same storage. */
  startService(): void {
    const log = openSync(this.logFile, 'a');
    const args = ['-n', 'sh', '-c', 'ip link set lo up && exec prlimit --nofile=$0 --nproc=$0 podman "$@"', String(LIMIT), ...this.globalArgs, 'system', 'service', '--time=0', this.dockerHost];
    const child = spawn('unshare', args, { stdio: ['ignore', log, log], detached: true, env: this.env });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  async waitForPing(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null) throw new Error(`podman service exited (${this.child?.exitCode}) while starting; see ${this.logFile}:\n${this.tail()}`);
      const r = spawnSync('curl', ['-sf', '--max-time', '2', '--unix-socket', this.socket, 'http://d/_ping'], { encoding: 'utf8' });
      if (r.status === 0 && r.stdout.trim() === 'OK') return;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`podman service did not answer in ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The podman CLI against this service (remote: the same storage, one writer). */
  cli(args: string[], input?: Buffer): string {
    const r = spawnSync('podman', ['--url', this.dockerHost, ...args], { input, encoding: 'utf8', env: this.env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`podman ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout.trim();
  }
  try(args: string[]): boolean {
    return spawnSync('podman', ['--url', this.dockerHost, ...args], { stdio: 'ignore', env: this.env }).status === 0;
  }

  /** Kills the service process (SIGKILL) as a crash would; containers and their conmons go on. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Processes that still have this folder in their command line (conmon, the service, containers' runtimes). */
  leftovers(): number[] {
    const mine: number[] = [];
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(this.dir)) mine.push(Number(p));
      } catch {
        // gone meanwhile
      }
    }
    return mine;
  }

  /** Mounts under this folder (overlay layers, shm, netns). */
  mounts(): string[] {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m): m is string => !!m && m.startsWith(this.dir));
  }

  /**
   * Removes every container (stopping their conmons), stops the service, unmounts what is left and
   * removes the folder. Returns what it had to clean by force: processes killed and mounts undone.
   * Podman 4.3 leaves a conmon pair behind for each exec session (its own `podman exec` too), which
   * outlives the container: those are the processes killed here.
   */
  async stop(): Promise<{ killed: number; unmounted: number }> {
    if (this.child?.exitCode === null && this.child.signalCode === null) {
      this.try(['rm', '-af', '-t', '0']);
      this.try(['volume', 'rm', '-af']);
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(t);
    }
    let killed = 0;
    for (const pid of this.leftovers()) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // gone meanwhile
      }
    }
    const mounts = this.mounts().sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    return { killed, unmounted: mounts.length };
  }

  tail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }
}
