/**
 * A private Docker engine for tests: Debian's dockerd with its own data-root, exec-root, pidfile
 * and socket under one temp dir, so it never touches a system engine. Needs root (as CI has).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';

export interface DockerdOptions {
  /** Folders put first on PATH for dockerd (it starts the containerd, runc, docker-proxy it finds there) and for the CLI. */
  path?: string[];
  /**
   * Runs dockerd in a network namespace of its own (`unshare -n`), for a second engine beside the
   * shared one: two dockerds in one namespace break each other's iptables rules. Its unix socket is
   * a file, so it answers from this namespace all the same.
   */
  ownNetns?: boolean;
  /** More dockerd flags (a TLS tcp listener, say); with a tcp one beside the shared engine, add `--iptables=false --ip6tables=false --bridge=none`. */
  args?: string[];
  /**
   * Runs dockerd in this named network namespace (`ip netns add`; entered with nsenter, which,
   * unlike `ip netns exec`, keeps the host's /sys and so its cgroups), with this host name (its
   * own UTS namespace): a swarm node of the test's own network.
   */
  netns?: { name: string; hostname: string };
}

export class PrivateDockerd {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly dir: string,
    private readonly opts: DockerdOptions = {},
  ) {
    this.env = opts.path?.length ? { ...process.env, PATH: [...opts.path, process.env.PATH ?? ''].join(':') } : process.env;
  }

  get socket(): string {
    return join(this.dir, 'docker.sock');
  }
  get dockerHost(): string {
    return `unix://${this.socket}`;
  }
  get pidFile(): string {
    return join(this.dir, 'dockerd.pid');
  }
  get logFile(): string {
    return join(this.dir, 'dockerd.log');
  }

  static assertAvailable(): void {
    const r = spawnSync('dockerd', ['--version'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error("dockerd not found: install Debian's docker.io (apt-get install docker.io); npm test does: node build/system-packages.mjs test.");
    if (process.getuid?.() !== 0) throw new Error('the private dockerd needs root');
  }

  /** Own address pool: 256 /24 networks (docker's defaults allow ~30), clear of common host ranges. */
  async start(timeoutMs = 30_000): Promise<void> {
    for (const d of ['data', 'exec']) mkdirSync(join(this.dir, d), { recursive: true });
    const log = openSync(this.logFile, 'a');
    const args = [
      '--shutdown-timeout',
      '2',
      '--default-address-pool',
      'base=10.213.0.0/16,size=24',
      '--data-root',
      join(this.dir, 'data'),
      '--exec-root',
      join(this.dir, 'exec'),
      '--pidfile',
      this.pidFile,
      '--host',
      this.dockerHost,
      ...(this.opts.args ?? []),
    ];
    // In its own namespace the loopback starts down; `exec` keeps the child's pid dockerd's own.
    const netns = this.opts.netns;
    const child = netns
      ? spawn('nsenter', [`--net=/run/netns/${netns.name}`, 'unshare', '-u', 'sh', '-c', 'hostname "$0" && exec dockerd "$@"', netns.hostname, ...args], {
          stdio: ['ignore', log, log],
          detached: true,
          env: this.env,
        })
      : this.opts.ownNetns
        ? spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec dockerd "$@"', 'dockerd', ...args], { stdio: ['ignore', log, log], detached: true, env: this.env })
        : spawn('dockerd', args, { stdio: ['ignore', log, log], detached: true, env: this.env });
    child.unref();
    let exited: number | null = null;
    child.on('exit', (code) => (exited = code ?? -1));
    const docker = new Dockerode({ socketPath: this.socket });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`dockerd exited (${exited}) while starting; see ${this.logFile}:\n${this.tail()}`);
      if (
        existsSync(this.socket) &&
        (await docker.ping().then(
          () => true,
          () => false,
        ))
      )
        return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`dockerd did not answer within ${timeoutMs} ms; see ${this.logFile}:\n${this.tail()}`);
  }

  /**
   * The running dockerd's pid: its pidfile's when that process is this engine's dockerd (a stale
   * file may name a process that is not), else found by its command line.
   */
  pid(): number | undefined {
    let listed: number | undefined;
    try {
      listed = Number(readFileSync(this.pidFile, 'utf8').trim()) || undefined;
    } catch {
      // no pidfile: look for the process
    }
    if (listed && this.isDockerd(listed)) return listed;
    return this.processes().find((p) => this.isDockerd(p));
  }

  private isDockerd(pid: number): boolean {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(this.dockerHost);
    } catch {
      return false; // gone
    }
  }

  /**
   * SIGTERM and wait for the process to be gone (SIGKILL after `graceMs`); then ends whatever it
   * left running from its dir (its containerd, shims), which a killed dockerd leaves behind.
   */
  async stop(graceMs = 20_000): Promise<void> {
    const pid = this.pid();
    if (pid && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    }
    const deadline = Date.now() + graceMs;
    while (this.processes().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const p of this.processes()) process.kill(p, 'SIGKILL');
  }

  /** The pids of the processes started from this engine's dir (dockerd, its containerd, shims), by their command lines. */
  processes(): number[] {
    const mine: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (
          readFileSync(`/proc/${entry}/cmdline`, 'utf8')
            .split('\0')
            .some((a) => a === this.dir || a.includes(this.dir + '/'))
        )
          mine.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return mine;
  }

  /** What is still mounted under the dir (dockerd bind-mounts its data-root, overlays, netns files). */
  mounts(): string[] {
    return readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m === this.dir || m.startsWith(this.dir + '/'));
  }

  /**
   * Runs the docker CLI against this engine. It blocks the event loop, so never call it while this
   * process has a request in flight that the engine waits on (an upload body, say): that deadlocks.
   * The timeout turns such a deadlock into a failure instead of a hung suite.
   */
  cli(args: string[], input?: Buffer | string): string {
    const r = spawnSync('docker', ['-H', this.dockerHost, ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, env: this.env });
    if (r.error) throw new Error(`docker ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return r.stdout.trim();
  }

  /** Like cli() but returns the exit status instead of throwing. */
  try(args: string[]): { status: number; out: string } {
    const r = spawnSync('docker', ['-H', this.dockerHost, ...args], { encoding: 'utf8', timeout: 60_000, env: this.env });
    return { status: r.status ?? -1, out: (r.stdout + r.stderr).trim() };
  }

  /** Deletes everything, after unmounting what dockerd left mounted under the dir (it bind-mounts its data-root). */
  remove(): void {
    for (const m of this.mounts().sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private tail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
