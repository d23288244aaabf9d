/**
 * The QEMU backend: boots the vm-assets image with the data disk, waits for the guest's sshd
 * (host key pinned: Berth made it), forwards the guest's docker.sock to a 0600 host socket over
 * ssh2, and waits for the engine to answer. Published ports are forwarded by QEMU's own user
 * network (hostfwd over QMP). Stop asks the guest to shut down cleanly over SSH
 * (`kill -TERM 1`: berth-init stops dockerd, syncs and unmounts), then forces after a timeout.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { homedir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { BerthError } from '../../shared/errors';
import { fingerprint, generateKeyPair, SshTunnel } from '../engine/ssh-tunnel';
import { freePort } from '../free-port';
import { paths } from '../paths';
import { findAssets } from './assets';
import type { VmBackend, VmResources, VmRun } from './backend';
import { chooseAccel, qemuArgs, qemuBinary, type Accel } from './qemu';
import { QmpClient } from './qmp';

export interface QemuBackendOptions {
  env?: NodeJS.ProcessEnv;
  /** The vm-assets folder bundled with the app, if any. */
  bundledAssets?: string;
  /** The accelerator, when not chosen per host (BERTH_VM_ACCEL). */
  accel?: Accel;
  bootTimeoutMs?: number;
}


/** The per-install client key and the guest's host key: made once, kept in the VM folder (0600). */
export function vmKeys(vmDir: string): { privateKey: string; hostKeyFingerprint: string; seed: Record<string, string> } {
  mkdirSync(vmDir, { recursive: true, mode: 0o700 });
  const load = (name: string, comment: string) => {
    const file = join(vmDir, name);
    if (!existsSync(file)) {
      const k = generateKeyPair(comment);
      writeFileSync(file, k.privateKey, { mode: 0o600 });
      writeFileSync(`${file}.pub`, `${k.publicKey}\n`, { mode: 0o644 });
    }
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8') };
  };
  const client = load('id_ed25519', 'berth');
  const host = load('ssh_host_ed25519_key', 'berth-vm');
  const parsed = utils.parseKey(host.publicKey);
  if (parsed instanceof Error) throw parsed;
  const hostKey = Array.isArray(parsed) ? parsed[0]! : parsed;
  return {
    privateKey: client.privateKey,
    hostKeyFingerprint: fingerprint(hostKey.getPublicSSH()),
    seed: { authorized_keys: client.publicKey, ssh_host_ed25519_key: host.privateKey },
  };
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.once('close', () => resolve(false)); // after a response this changes nothing
    req.once('timeout', () => req.destroy());
  });
}

/** The last lines QEMU's serial console printed: what a user needs when a boot fails. */
export function serialTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const QEMU_MISSING = { hint: 'Install QEMU (on Debian: apt-get install qemu-system-x86 qemu-utils) and start again.' };

function qemuImg(args: string[]): string {
  try {
    return execFileSync('qemu-img', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new BerthError('UNAVAILABLE', 'QEMU is not installed here (no qemu-img).', QEMU_MISSING);
    throw new BerthError('COMMAND_FAILED', `qemu-img ${args[0]} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

export class QemuBackend implements VmBackend {
  readonly kind = 'qemu';
  private accel: Accel | undefined; // probed once per process
  constructor(private readonly opts: QemuBackendOptions = {}) {}

  async boot(resources: VmResources, step: (words: string) => void): Promise<VmRun> {
    const env = this.opts.env ?? process.env;
    const assets = findAssets(env, this.opts.bundledAssets);
    const vmDir = paths.vm(env);
    const runDir = paths.run(env);
    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const keys = vmKeys(vmDir);
    const seedDir = join(vmDir, 'seed');
    mkdirSync(seedDir, { recursive: true, mode: 0o700 });
    const home = env.BERTH_VM_SHARE || homedir();
    for (const [name, body] of Object.entries({ ...keys.seed, home })) writeFileSync(join(seedDir, name), body, { mode: 0o600 });

    const dataDisk = join(vmDir, 'data.qcow2');
    const size = `${resources.diskGiB}G`;
    if (!existsSync(dataDisk)) qemuImg(['create', '-q', '-f', 'qcow2', dataDisk, size]);
    else if (JSON.parse(qemuImg(['info', '--output=json', '-U', dataDisk]))['virtual-size'] < resources.diskGiB * 2 ** 30) {
      qemuImg(['resize', '-q', dataDisk, size]); // the guest grows the filesystem at boot
    }

    const stale = join(runDir, 'qemu.pid');
    if (existsSync(stale)) {
      // A QEMU left running by a crashed Berth still holds the data disk: end it first.
      const pid = Number(readFileSync(stale, 'utf8'));
      try {
        // Only if that pid is still a QEMU: pids are reused.
        if (pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('qemu-system')) process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone (or no /proc: QEMU's own lock on the disk will say so) */
      }
      rmSync(stale, { force: true });
    }

    const sshPort = await freePort();
    const serialLog = join(vmDir, 'serial.log');
    const cfg = { cpus: resources.cpus, memoryMiB: resources.memoryMiB, kernel: assets.kernel, initrd: assets.initrd, rootImage: assets.rootImage, cmdline: 'quiet', dataDisk, sshPort, shareDir: home, seedDir, serialLog, runDir };
    const accel = (this.accel ??= this.opts.accel ?? chooseAccel(process.platform, kvmWorks(runDir)));
    step(`Starting QEMU (${accel === 'tcg' ? 'software emulation' : accel})`);
    const qemu = spawn(qemuBinary(process.arch), qemuArgs(cfg, accel, process.arch), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    qemu.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let stopping = false;
    const exited = new Promise<{ expected: boolean; reason?: string }>((resolve) => {
      const done = (reason: string) => {
        rmSync(stale, { force: true });
        const tail = serialTail(serialLog, 5);
        resolve(stopping ? { expected: true } : { expected: false, reason: `${reason}${stderr.trim() ? `: ${stderr.trim()}` : ''}${tail ? `\nLast console lines:\n${tail}` : ''}` });
      };
      qemu.once('error', (e) => done(`QEMU could not start (${e.message}). ${QEMU_MISSING.hint}`));
      qemu.once('exit', (code, signal) => done(signal ? `QEMU was ended by ${signal}` : `QEMU exited with code ${code}`));
    });

    const tunnel = new SshTunnel({
      target: { host: '127.0.0.1', port: sshPort, username: 'root', remoteSocket: '/var/run/docker.sock' },
      privateKey: keys.privateKey,
      hostKeys: [keys.hostKeyFingerprint],
      localSocket: join(runDir, 'docker.sock'),
      readyTimeoutMs: 2000, // while booting, an attempt before the guest's network is up hangs until this
    });
    const kill = (why: string) => {
      stopping = true;
      qemu.kill('SIGKILL');
      void tunnel.close();
      return new Error(why);
    };
    const deadline = Date.now() + (this.opts.bootTimeoutMs ?? 180_000);
    let gone: string | undefined;
    void exited.then((e) => (gone = e.reason ?? 'QEMU exited'));
    const until = async (what: string, check: () => Promise<boolean>) => {
      step(what);
      while (!(await check())) {
        if (gone) throw new Error(`The VM stopped while booting. ${gone}`);
        if (Date.now() > deadline) throw kill(`The VM did not finish booting (${what.toLowerCase()}) in ${Math.round((this.opts.bootTimeoutMs ?? 180_000) / 1000)} s.\n${serialTail(serialLog)}`);
        await sleep(200);
      }
    };
    const socket = join(runDir, 'docker.sock');
    try {
      await until('Booting Linux and connecting over SSH', () => tunnel.connect().then(() => true, () => false));
      await tunnel.listen();
      await until('Waiting for dockerd', () => ping(socket));
    } catch (e) {
      kill(''); // a boot that failed leaves no QEMU behind
      throw e;
    }

    const qmp = new QmpClient(join(runDir, 'qmp.sock'));
    void exited.then(() => qmp.close());
    return {
      dockerHost: `unix://${socket}`,
      ssh: { host: '127.0.0.1', port: sshPort },
      forwardPort: async (port) => {
        const rule = `tcp:127.0.0.1:${port}`;
        const out = (await qmp.hmp(`hostfwd_add net0 ${rule}-:${port}`)).trim();
        if (out) throw new Error(/could not set up host forwarding/i.test(out) ? `Port ${port} on 127.0.0.1 is already taken by another program.` : `QEMU refused to forward port ${port}: ${out}`);
        return async () => void (await qmp.hmp(`hostfwd_remove net0 ${rule}`).catch(() => undefined));
      },
      exited: exited.then(async (e) => {
        await tunnel.close();
        return e;
      }),
      stop: async () => {
        stopping = true;
        await tunnel.exec('kill -TERM 1').catch(() => undefined);
        const timeout = sleep(60_000).then(() => 'timeout' as const);
        if ((await Promise.race([exited, timeout])) === 'timeout') qemu.kill('SIGKILL');
        await exited;
        await tunnel.close();
      },
    };
  }
}

/**
 * Whether KVM really works here: a /dev/kvm that opens is not enough (on some hosts a guest under
 * KVM never runs). Boots a 512-byte boot sector that writes to QEMU's debug-exit port; working KVM
 * does that in well under a second. BERTH_VM_ACCEL (kvm, tcg, ...) skips the probe.
 */
export function kvmWorks(runDir: string): boolean {
  if (process.platform !== 'linux' || !existsSync('/dev/kvm')) return false;
  const probe = join(runDir, 'kvm-probe.img');
  const sector = Buffer.alloc(512);
  Buffer.from([0xb0, 0x01, 0xe6, 0xf4, 0xf4, 0xeb, 0xfe]).copy(sector); // mov al,1; out 0xf4,al; hlt
  sector.writeUInt16LE(0xaa55, 510);
  writeFileSync(probe, sector);
  const r = spawnSync(qemuBinary(process.arch), ['-nodefaults', '-no-user-config', '-machine', 'pc,accel=kvm', '-display', 'none', '-monitor', 'none', '-serial', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-drive', `file=${probe},format=raw,if=floppy`], { timeout: 1500, stdio: 'ignore' });
  return r.status === 3; // (1 << 1) | 1: the sector ran
}
