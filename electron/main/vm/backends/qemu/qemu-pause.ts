/**
 * Auto-pause on QEMU: before a pause the guest syncs its disks (and refuses while a build step
 * runs), then QEMU's `stop` (HMP over QMP); a resume is `cont`, then the guest clock set (it stood
 * still while paused).
 */
import { BerthError } from '../../../../shared/errors';

/** What a pause and a resume use of the running VM. */
export interface PauseParts {
  /** Why QEMU is gone, once it is. */
  gone(): string | undefined;
  /** A command in the guest over the open SSH connection. */
  exec(command: string): Promise<{ code: number | null; output: string }>;
  /** An HMP command to QEMU; resolves to its output ('' when it went well). */
  hmp(command: string): Promise<string>;
  /** The guest runs (resumed, not stopping): a clock set tried again in the background goes on. */
  awake(): boolean;
  /** QEMU did not finish a `cont`: the VM is neither paused nor running, so it is ended with this reason. */
  wedged(reason: string): void;
  /** A line for the daemon's log. */
  log(line: string): void;
}

/** How long QEMU gets to answer `stop` or `cont`; a clock set in the guest; tries of the clock set in all, and the wait between them. */
export const LIMITS = { hmpMs: 10_000, clockMs: 30_000, clockTries: 4, clockRetryMs: 5_000 };

/** A time limit that ran out (within()). */
export class TookTooLong extends BerthError {
  constructor(message: string) {
    super('COMMAND_FAILED', message);
  }
}

/**
 * Before a pause, in the guest: exit 3 when a build step (or a container on its way) runs, which the
 * engine does not list as a running container: a runtime (runc, crun) or a containerd shim is there.
 * Else the disks are synced.
 */
export const PAUSE_PREP = 'for c in /proc/[0-9]*/comm; do read -r n < "$c" || continue; case "$n" in runc|crun|containerd-shim*) exit 3;; esac; done 2>/dev/null; sync';

/** `p`, or a rejection in words after `ms`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TookTooLong(`it took over ${Math.round(ms / 1000)} s ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The guest's disks synced, then its CPUs stopped: QEMU uses no CPU until a resume. Its errors go to
 * the daemon's log only (auto-pause tries again later).
 */
export async function pauseVm(p: PauseParts): Promise<void> {
  const gone = p.gone();
  if (gone) throw new BerthError('COMMAND_FAILED', gone);
  const r = await within(p.exec(PAUSE_PREP), 30_000, 'syncing the disks before pausing');
  if (r.code === 3) throw new BerthError('COMMAND_FAILED', 'not now: something runs in the VM that is not a container, such as a build step');
  if (r.code !== 0) throw new BerthError('COMMAND_FAILED', `the VM could not sync its disks before pausing: ${r.output.trim() || `exit code ${r.code}`}`);
  const out = (await within(p.hmp('stop'), LIMITS.hmpMs, 'for QEMU to pause the VM')).trim();
  if (out) throw new BerthError('COMMAND_FAILED', `QEMU did not pause the VM: ${out}`);
}

/**
 * CPUs running again (`continued` then), then the guest clock set. Once `cont` went through the VM
 * is awake whatever the clock does: a clock set that fails is logged and tried again in the
 * background (a few times). A `cont` QEMU does not finish in time ends the VM (`wedged`).
 */
export async function resumeVm(p: PauseParts, continued: () => void): Promise<void> {
  const gone = p.gone();
  if (gone) throw new BerthError('COMMAND_FAILED', gone); // a start (or a connection) waits on a resume: its error reaches the user
  const out = (
    await within(p.hmp('cont'), LIMITS.hmpMs, 'for QEMU to resume the VM').catch((e: Error) => {
      if (e instanceof TookTooLong) p.wedged(`QEMU did not resume the paused VM (${e.message}), so it was ended`);
      throw e;
    })
  ).trim();
  if (out) throw new BerthError('COMMAND_FAILED', `QEMU did not resume the VM: ${out}`);
  continued();
  const failed = await setClock(p);
  if (failed) void retryClock(p, failed);
}

/** The guest clock set to the host's; resolves to why it failed, if it did. */
async function setClock(p: PauseParts): Promise<string | undefined> {
  try {
    const r = await within(p.exec(`/sbin/berth-init resume ${(Date.now() / 1000).toFixed(3)}`), LIMITS.clockMs, 'setting the clock after resuming');
    return r.code === 0 ? undefined : r.output.trim() || `exit code ${r.code}`;
  } catch (e) {
    return (e as Error).message;
  }
}

async function retryClock(p: PauseParts, why: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    if (tries >= LIMITS.clockTries) return p.log(`the resumed VM could not set its clock (${why}); it keeps running with its clock behind`);
    p.log(`the resumed VM could not set its clock (${why}); trying again`);
    await new Promise((r) => setTimeout(r, LIMITS.clockRetryMs));
    if (p.gone() || !p.awake()) return;
    const failed = await setClock(p);
    if (!failed) return p.log('the resumed VM set its clock');
    why = failed;
  }
}
