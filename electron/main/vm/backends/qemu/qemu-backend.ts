/**
 * The QEMU backend: boots the vm-assets image with the data disk (or restores the VM's state saved
 * at the last stop, when that is safe: saved-state.ts), reaches it over SSH (host key pinned: Berth
 * made it), forwards the guest's docker.sock to a 0600 host socket over ssh2, and waits for the
 * engine to answer (qemu-run.ts). Published ports are forwarded by QEMU's own user network (hostfwd
 * over QMP). A stop saves the VM's state; where it cannot, it asks the guest to shut down cleanly
 * over SSH (`kill -TERM 1`: berth-init stops dockerd, syncs and unmounts), then forces after a timeout.
 *
 * A boot goes in steps: the checks that can refuse it (nothing made yet), the disk (qemu-disk.ts:
 * seed, a stale QEMU, the data disk), the process (QEMU started and through its setup), and
 * readiness (a warm start's restore, or a cold boot's SSH and dockerd). boot() orders them and
 * holds the fallbacks: a failed restore boots cold, a boot stuck at its start boots once more.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { freePort } from '../../../free-port';
import { paths } from '../../../paths';
import { verifyOnce } from '../../assets';
import type { VmResources } from '../../../../shared/api-contract';
import type { VmBackend, VmRun } from '../../backend';
import { checkEngine, recordEngine } from '../../engine-record';
import { ensureImage } from '../../image';
import { vmKeys, type VmKeys } from '../../keys';
import type { VmAssets } from '../../assets';
import { host } from './host';
import { bootKernel } from './kernel';
import { kvmWorks } from './kvm.linux';
import { kernelCmdline, qemuArgs, type Accel, type LaunchMode } from './qemu-args';
import { endStaleQemu, prepareDataDisk, writeSeed } from './qemu-disk';
import { findQemu, launchQemu, QEMU_MISSING_HINT, type QemuTools } from './qemu-launch';
import { QemuRun } from './qemu-run';
import { SilentBoot } from './readiness';
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

/** The QEMU binary as it is: a stream saved by one QEMU is restored by the same one only. */
function qemuStamp(binary: string): string {
  const st = statSync(binary);
  return `${binary}:${st.size}:${Math.round(st.mtimeMs)}`;
}

type Step = (words: string, progress?: number) => void;

/** What a boot knows once its checks passed and the host's files are ready; QEMU is not started yet. */
interface BootPlan {
  env: NodeJS.ProcessEnv;
  resources: VmResources;
  tools: QemuTools;
  assets: VmAssets;
  step: Step;
  /** The boot's share of the whole start: at(f) is how far the start is when the boot is f done. */
  at: (f: number) => number;
  keys: VmKeys;
  home: string;
  seedDir: string;
  accel: Accel;
  kernel: string;
  needs: StateNeeds;
}

export class QemuBackend implements VmBackend {
  readonly kind = 'qemu';
  private accel: Accel | undefined; // probed once per process (and per host boot: kvm.linux.ts)
  constructor(private readonly opts: QemuBackendOptions = {}) {}

  async boot(resources: VmResources, say: Step, signal?: AbortSignal): Promise<VmRun> {
    let high = 0; // progress only goes forward, also when a warm start falls back to a cold boot
    const step: Step = (words, progress) => say(words, progress === undefined ? undefined : (high = Math.max(high, progress)));
    const plan = this.prepare(await this.check(resources, step));
    const { env, at } = plan;
    let cold = whyCold(readRecord(env), plan.needs, diskStamp(paths.vmDataDisk(env)), stateBytes(env));
    if (cold === undefined) {
      // A warm start; a restore that fails for any reason leaves a cold boot to do, with the reason said.
      try {
        return await this.ready(plan, { incoming: true, appendConsole: true }, (run) => run.warmStart());
      } catch (e) {
        cold = `restoring the saved state failed (${(e as Error).message})`;
      }
    }
    if (cold !== 'quiet') step(`Cold boot: ${cold}`, at(0));
    dropState(env);
    prepareDataDisk(plan.tools, paths.vmDataDisk(env), resources.diskGiB);
    try {
      return await this.ready(plan, {}, (run) => run.coldBoot());
    } catch (e) {
      if (!(e instanceof SilentBoot) || signal?.aborted) throw e; // a stop meanwhile: no second boot
      // Once, and with the whole boot time: a host so loaded that a healthy boot is that slow still boots.
      step(`${e.message} Booting it again.`, at(0));
      return await this.ready(plan, {}, (run) => run.coldBoot(false));
    }
  }

  /** Every check that can refuse the start, before anything is made or touched: QEMU, the image, the disk's engine. */
  private async check(resources: VmResources, step: Step): Promise<Pick<BootPlan, 'env' | 'resources' | 'tools' | 'assets' | 'step' | 'at'>> {
    const env = this.opts.env ?? process.env;
    const tools = findQemu(env);
    const image = await ensureImage({ env, step, ...(this.opts.bundledAssets ? { bundled: this.opts.bundledAssets } : {}), ...(this.opts.builder ? { builder: this.opts.builder } : {}) });
    const { assets } = image;
    const at = (f: number) => image.progress + f * (1 - image.progress);
    await verifyOnce(assets, env, () => step('Checking the VM image (once per image)', at(0)));
    const dataDisk = paths.vmDataDisk(env);
    if (existsSync(dataDisk)) checkEngine(env, assets.manifest, dataDisk);
    return { env, resources, tools, assets, step, at };
  }

  /** The disk step: the host's files for this boot (keys, seed, no stale QEMU), the accelerator and the kernel to boot. */
  private prepare(c: Pick<BootPlan, 'env' | 'resources' | 'tools' | 'assets' | 'step' | 'at'>): BootPlan {
    const { env, resources, tools, assets } = c;
    mkdirSync(paths.run(env), { recursive: true, mode: 0o700 });
    const keys = vmKeys(env);
    const home = env.BERTH_VM_SHARE || homedir();
    const seedDir = writeSeed(env, keys, home);
    endStaleQemu(paths.vmPid(env));
    const accel = (this.accel ??= this.opts.accel ?? host.accel(() => kvmWorks(env, tools.system)));
    const kernel = bootKernel(assets, env, () => c.step('Unpacking the kernel for a quicker boot (once per kernel)', c.at(0)));
    const f = assets.manifest.files;
    const needs: StateNeeds = {
      image: assets.manifest.inputs,
      files: [f.vmlinuz.sha256, f['initrd.img'].sha256, f['root.img'].sha256].join(','),
      boot: kernel === assets.kernel ? 'bzimage' : 'pvh',
      cpus: resources.cpus,
      memoryMiB: resources.memoryMiB,
      diskGiB: resources.diskGiB,
      accel,
      qemu: qemuStamp(tools.system),
    };
    return { ...c, keys, home, seedDir, accel, kernel, needs };
  }

  /** The process step, then readiness: QEMU started, then `until` (a restore or a cold boot); a failure leaves no QEMU behind. */
  private async ready(plan: BootPlan, mode: LaunchMode, until: (run: QemuRun) => Promise<void>): Promise<QemuRun> {
    const run = await this.launch(plan, mode);
    try {
      await until(run);
      return run;
    } catch (e) {
      await run.kill();
      throw e;
    }
  }

  /** QEMU started and through its setup (its faults in words: qemu-launch.ts), the engine recorded against the disk. */
  private async launch(plan: BootPlan, mode: LaunchMode): Promise<QemuRun> {
    const { env, resources, assets, accel, step, at } = plan;
    const serialLog = paths.vmConsoleLog(env);
    const dataDisk = paths.vmDataDisk(env);
    const pidFile = paths.vmPid(env);
    step(`Starting QEMU (${accel === 'tcg' ? 'software emulation' : accel})`, at(0.01));
    const cfg = (sshPort: number) => ({
      cpus: resources.cpus,
      memoryMiB: resources.memoryMiB,
      kernel: plan.kernel,
      initrd: assets.initrd,
      rootImage: assets.rootImage,
      cmdline: kernelCmdline(accel),
      dataDisk,
      sshPort,
      shareDir: plan.home,
      seedDir: plan.seedDir,
      serialLog,
      qmpSocket: paths.vmQmpSocket(env),
      pidFile,
    });
    const undoRecord = recordEngine(env, assets.manifest);
    const q = await launchQemu({
      binary: plan.tools.system,
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
    void q.exited.then(() => rmSync(pidFile, { force: true }));
    // From here on a crash (or a kill in the middle of a restore) leaves no state to restore.
    writeRecord(env, { phase: mode.incoming ? 'restoring' : 'running', at: now() });
    const ctx = {
      env,
      serialLog,
      dataDisk,
      home: plan.home,
      needs: plan.needs,
      keys: plan.keys,
      step,
      at,
      timeoutMs: this.opts.bootTimeoutMs ?? 180_000,
      silentMs: this.opts.silentBootMs ?? 60_000,
      hint: BOOT_FAILED_HINT,
      tail: (n?: number) => serialTail(serialLog, n),
    };
    return new QemuRun(ctx, q, ({ code, signal, error }) => {
      const reason = error ? `QEMU could not start (${error.message}). ${QEMU_MISSING_HINT}` : signal ? `QEMU was ended by ${signal}` : `QEMU exited with code ${code}`;
      const said = q.stderr().trim();
      const tail = serialTail(serialLog, 5);
      return `${reason}${said ? `: ${said}` : ''}${tail ? `\nLast console lines:\n${tail}` : ''}`;
    });
  }
}
