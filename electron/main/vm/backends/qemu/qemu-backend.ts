/**
 * The QEMU backend: boots the vm-assets image with the data disk (or restores the VM's state saved
 * at the last stop, when that is safe: saved-state.ts), reaches it over SSH (host key pinned: Berth
 * made it), forwards the guest's docker.sock to a 0600 host socket over ssh2, and waits for the
 * engine to answer (qemu-run.ts). Published ports are forwarded by QEMU's own user network (hostfwd
 * over QMP). A stop saves the VM's state; where it cannot, it asks the guest to shut down cleanly
 * over SSH (`kill -TERM 1`: berth-init stops dockerd, syncs and unmounts), then forces after a timeout.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../free-port';
import { paths } from '../../../paths';
import { verifyOnce } from '../../assets';
import type { VmResources } from '../../../../shared/api-contract';
import type { VmBackend, VmRun } from '../../backend';
import { checkEngine, recordEngine } from '../../engine-record';
import { ensureImage } from '../../image';
import { vmKeys } from '../../keys';
import { host } from './host';
import { bootKernel } from './kernel';
import { kvmWorks } from './kvm.linux';
import { kernelCmdline, qemuArgs, type Accel, type LaunchMode } from './qemu-args';
import { findQemu, launchQemu, qemuImg, QEMU_MISSING_HINT, type QemuTools } from './qemu-launch';
import { QemuRun, SilentBoot } from './qemu-run';
import { dropState, now, readRecord, stateBytes, diskStamp, whyCold, writeRecord, type StateNeeds } from './saved-state';

export interface QemuBackendOptions {
  env?: NodeJS.ProcessEnv;
  /** The vm-assets folder bundled with the app, if any. */
  bundledAssets?: string;
  /** The accelerator, when not chosen per host (BERTH_VM_ACCEL). */
  accel?: Accel;
  bootTimeoutMs?: number;
  /** How long a cold boot's console may stay silent before it counts as stuck (default 60 s). */
  silentBootMs?: number;
  /** What runs the image builder when there is no image (default: this CLI's `vm build --json`). */
  builder?: { command: string; args: string[] };
}


/** The last lines QEMU's serial console printed: what a user needs when a boot fails. */
export function serialTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const BOOT_FAILED_HINT = 'The console lines above show how far it got (`berth vm logs` has all of them). Start again; if it fails the same way, rebuild the image with `berth vm build --force`.';

/** The data disk at the size the settings ask for (made on first start; only ever grown). */
function prepareDataDisk(tools: QemuTools, dataDisk: string, diskGiB: number): void {
  const size = `${diskGiB}G`;
  if (!existsSync(dataDisk)) qemuImg(tools, ['create', '-q', '-f', 'qcow2', dataDisk, size], dataDisk);
  else if (JSON.parse(qemuImg(tools, ['info', '--output=json', '-U', dataDisk], dataDisk))['virtual-size'] < diskGiB * 2 ** 30) {
    qemuImg(tools, ['resize', '-q', dataDisk, size], dataDisk); // the guest grows the filesystem at boot
  }
}

/** A QEMU left running by a crashed Berth still holds the data disk: ended first (only if that pid is still a QEMU: pids are reused). */
function endStaleQemu(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (host.isQemu(pid)) process.kill(pid, 'SIGKILL'); // where the host cannot tell, QEMU's own lock on the disk will say so
  } catch {
    /* gone meanwhile */
  }
  rmSync(pidFile, { force: true });
}

/** The QEMU binary as it is: a stream saved by one QEMU is restored by the same one only. */
function qemuStamp(binary: string): string {
  const st = statSync(binary);
  return `${binary}:${st.size}:${Math.round(st.mtimeMs)}`;
}

export class QemuBackend implements VmBackend {
  readonly kind = 'qemu';
  private accel: Accel | undefined; // probed once per process (and per host boot: accel.ts)
  constructor(private readonly opts: QemuBackendOptions = {}) {}

  async boot(resources: VmResources, say: (words: string, progress?: number) => void): Promise<VmRun> {
    const env = this.opts.env ?? process.env;
    let high = 0; // progress only goes forward, also when a warm start falls back to a cold boot
    const step = (words: string, progress?: number) => say(words, progress === undefined ? undefined : (high = Math.max(high, progress)));
    // Every check that can refuse the start comes before anything is made or touched.
    const tools = findQemu(env);
    const image = await ensureImage({ env, step, ...(this.opts.bundledAssets ? { bundled: this.opts.bundledAssets } : {}), ...(this.opts.builder ? { builder: this.opts.builder } : {}) });
    const { assets } = image;
    const at = (f: number) => image.progress + f * (1 - image.progress); // the boot's own share of the start
    await verifyOnce(assets, env, () => step('Checking the VM image (once per image)', at(0)));
    const runDir = paths.run(env);
    const dataDisk = paths.vmDataDisk(env);
    if (existsSync(dataDisk)) checkEngine(env, assets.manifest, dataDisk);

    mkdirSync(runDir, { recursive: true, mode: 0o700 });
    const keys = vmKeys(env);
    const seedDir = paths.vmSeed(env);
    mkdirSync(seedDir, { recursive: true, mode: 0o700 });
    const home = env.BERTH_VM_SHARE || homedir();
    for (const [name, body] of Object.entries({ ...keys.seed, home })) writeFileSync(join(seedDir, name), body, { mode: 0o600 });
    const stale = paths.vmPid(env);
    endStaleQemu(stale);
    const accel = (this.accel ??= this.opts.accel ?? host.accel(() => kvmWorks(env, tools.system)));
    const kernel = bootKernel(assets, env, () => step('Unpacking the kernel for a quicker boot (once per kernel)', at(0)));
    const f = assets.manifest.files;
    const needs: StateNeeds = { image: assets.manifest.inputs, files: [f.vmlinuz.sha256, f['initrd.img'].sha256, f['root.img'].sha256].join(','), boot: kernel === assets.kernel ? 'bzimage' : 'pvh', cpus: resources.cpus, memoryMiB: resources.memoryMiB, diskGiB: resources.diskGiB, accel, qemu: qemuStamp(tools.system) };
    let cold = whyCold(readRecord(env), needs, diskStamp(dataDisk), stateBytes(env));

    const serialLog = paths.vmConsoleLog(env);
    const cfg = (sshPort: number) => ({ cpus: resources.cpus, memoryMiB: resources.memoryMiB, kernel, initrd: assets.initrd, rootImage: assets.rootImage, cmdline: kernelCmdline(accel), dataDisk, sshPort, shareDir: home, seedDir, serialLog, qmpSocket: paths.vmQmpSocket(env), pidFile: paths.vmPid(env) });
    const timeoutMs = this.opts.bootTimeoutMs ?? 180_000;
    const silentMs = this.opts.silentBootMs ?? 60_000;
    const ctx = { env, serialLog, dataDisk, home, needs, keys, step, at, timeoutMs, silentMs, hint: BOOT_FAILED_HINT, tail: (n?: number) => serialTail(serialLog, n) };
    const launch = async (mode: LaunchMode): Promise<QemuRun> => {
      step(`Starting QEMU (${accel === 'tcg' ? 'software emulation' : accel})`, at(0.01));
      const undoRecord = recordEngine(env, assets.manifest);
      const q = await launchQemu({
        binary: tools.system,
        args: (port) => qemuArgs(cfg(port), accel, process.arch, mode),
        qmpSocket: paths.vmQmpSocket(env),
        dataDisk,
        pickPort: freePort,
        ...(env.BERTH_VM_SSH_PORT ? { firstPort: Number(env.BERTH_VM_SSH_PORT) } : {}),
        onRetry: (words) => step(words, at(0.02)),
      }).catch((e: unknown) => {
        undoRecord(); // QEMU never got to the disk
        throw e;
      });
      void q.exited.then(() => rmSync(stale, { force: true }));
      // From here on a crash (or a kill in the middle of a restore) leaves no state to restore.
      writeRecord(env, { phase: mode.incoming ? 'restoring' : 'running', at: now() });
      return new QemuRun(ctx, q, ({ code, signal, error }) => {
        const reason = error ? `QEMU could not start (${error.message}). ${QEMU_MISSING_HINT}` : signal ? `QEMU was ended by ${signal}` : `QEMU exited with code ${code}`;
        const said = q.stderr().trim();
        const tail = serialTail(serialLog, 5);
        return `${reason}${said ? `: ${said}` : ''}${tail ? `\nLast console lines:\n${tail}` : ''}`;
      });
    };

    if (cold === undefined) {
      // A warm start; a restore that fails for any reason leaves a cold boot to do, with the reason said.
      let run: QemuRun | undefined;
      try {
        run = await launch({ incoming: true, appendConsole: true });
        await run.warmStart();
        return run;
      } catch (e) {
        await run?.kill();
        cold = `restoring the saved state failed (${(e as Error).message})`;
      }
    }
    if (cold !== 'quiet') step(`Cold boot: ${cold}`, at(0));
    dropState(env);
    prepareDataDisk(tools, dataDisk, resources.diskGiB);
    const coldBoot = async () => {
      const run = await launch({});
      try {
        await run.coldBoot();
        return run;
      } catch (e) {
        await run.kill(); // a boot that failed leaves no QEMU behind
        throw e;
      }
    };
    try {
      return await coldBoot();
    } catch (e) {
      if (!(e instanceof SilentBoot)) throw e;
      step(`${e.message} Booting it again.`, at(0)); // once: a second silence is the answer
      return await coldBoot();
    }
  }
}
