/**
 * One running QEMU VM: reaching it (SSH with the pinned host key, the guest's docker.sock forwarded
 * to a 0600 host socket), its published ports (QEMU's own hostfwd, over QMP), and its end. A cold
 * boot waits for the console to say sshd is up, then for dockerd's first answer; a warm start feeds
 * QEMU the saved state, sets the clock and mounts the share again. A stop saves the VM's state (see
 * saved-state.ts) and falls back to a clean shutdown, with the reason kept for the next start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../../../../shared/errors';
import { SshTunnel } from '../../../engine/ssh-tunnel';
import { paths } from '../../../paths';
import type { ForwardedPort } from '../../../../shared/models';
import type { VmPausing, VmRun } from '../../backend';
import { TRIM_COMMAND, trimOutcome } from '../../disk-trim';
import type { QemuProcess } from './qemu-launch';
import { pauseVm, resumeVm, within, type PauseParts } from './qemu-pause';
import { QmpClient } from './qmp';
import { consoleSays, ping, SilentBoot } from './readiness';
import { diskStamp, dropState, now, restoreState, saveState, writeRecord, type StateNeeds } from './saved-state';
import { shellQuote } from '../../../../shared/run-spec';

export interface RunContext {
  env: NodeJS.ProcessEnv;
  serialLog: string;
  dataDisk: string;
  /** The host folder shared at the same path ('' for none). */
  home: string;
  needs: StateNeeds;
  keys: { privateKey: string; hostKeyFingerprint: string };
  step: (words: string, progress?: number) => void;
  /** The boot's share of the whole start: at(f) is how far the start is when the boot is f done. */
  at: (f: number) => number;
  timeoutMs: number;
  /** A cold boot whose console says nothing for this long is stuck at its start (SilentBoot). */
  silentMs: number;
  hint: string;
  /** The console's last lines. */
  tail: (lines?: number) => string;
}

export class QemuRun implements VmRun {
  readonly dockerHost: string;
  readonly ssh: { host: string; port: number };
  readonly exited: Promise<{ expected: boolean; reason?: string }>;
  private stopping = false;
  private gone: string | undefined;
  /** Its first line (without the console's), for a reason inside a sentence. */
  private goneBrief: string | undefined;
  private readonly tunnel: SshTunnel;
  private readonly qmp: QmpClient;
  private readonly socket: string;
  private readonly qmpSocket: string;
  private deadline: number;
  private hooks: { gate: () => Promise<void>; traffic: () => void } | undefined;
  private paused = false;
  /** Auto-pause: QEMU's `stop` and `cont` (HMP over QMP), the guest clock set after each `cont`. */
  readonly pausing: VmPausing = {
    pause: () => this.pause(),
    resume: () => this.resume(),
    hooks: (h) => void (this.hooks = h),
  };

  constructor(
    private readonly c: RunContext,
    private readonly q: QemuProcess,
    describeExit: (e: { code: number | null; signal: NodeJS.Signals | null; error?: Error }) => string,
  ) {
    this.socket = paths.vmDockerSocket(c.env);
    this.qmpSocket = paths.vmQmpSocket(c.env);
    this.dockerHost = `unix://${this.socket}`;
    this.ssh = { host: '127.0.0.1', port: q.sshPort };
    this.deadline = Date.now() + c.timeoutMs;
    this.tunnel = new SshTunnel({
      target: { host: '127.0.0.1', port: q.sshPort, username: 'root', remoteSocket: '/var/run/docker.sock' },
      privateKey: c.keys.privateKey,
      hostKeys: [c.keys.hostKeyFingerprint],
      localSocket: this.socket,
      readyTimeoutMs: 5000,
      // A paused guest answers no keepalive, so none ends the connection: it must outlive a pause (a
      // dead QEMU closes it anyway). A hung guest is noticed elsewhere: QEMU's stop and cont have
      // time limits (qemu-pause.ts), and so has opening a channel (ssh-tunnel.ts).
      keepaliveCountMax: Number.MAX_SAFE_INTEGER,
      beforeForward: () => this.hooks?.gate(),
      onTraffic: () => this.hooks?.traffic(),
    });
    this.qmp = new QmpClient(this.qmpSocket);
    const exit = q.exited.then((e) => {
      this.gone = this.wedged ?? describeExit(e);
      this.goneBrief = this.gone.split('\n')[0];
      this.qmp.close();
      return this.stopping ? { expected: true } : { expected: false, reason: this.gone };
    });
    this.exited = exit.then(async (e) => {
      await this.tunnel.close();
      return e;
    });
  }

  /** Checks `check` until it holds; fails in words when QEMU ends or the boot's time is up. */
  private async until(what: string, progress: number | undefined, check: () => Promise<boolean>, pauseMs = 200, why: () => string | undefined = () => undefined): Promise<void> {
    if (progress !== undefined) this.c.step(what, this.c.at(progress));
    while (!(await check())) {
      if (this.gone) throw new BerthError('COMMAND_FAILED', `The VM stopped while booting (${what.toLowerCase()}). ${this.gone}`, { hint: this.c.hint });
      if (Date.now() > this.deadline) {
        const tail = this.c.tail();
        const last = why();
        throw new BerthError(
          'COMMAND_FAILED',
          `The VM did not finish booting (${what.toLowerCase()}) in ${Math.round(this.c.timeoutMs / 1000)} s.${last ? ` The last try: ${last}` : ''}${tail ? `\nLast console lines:\n${tail}` : ''}`,
          { hint: this.c.hint },
        );
      }
      await sleep(pauseMs);
    }
  }

  /**
   * A cold boot: SSH once the console says sshd is up (a try before that only hangs), then dockerd's
   * first answer. `watchSilence`: a console silent for `silentMs` ends it as a SilentBoot.
   */
  async coldBoot(watchSilence = true): Promise<void> {
    this.c.step('Booting Linux and connecting over SSH', this.c.at(0.05));
    const sshd = consoleSays(this.c.serialLog, 'sshd up');
    const wait = new AbortController();
    const after = (ms: number) =>
      sleep(ms, undefined, { signal: wait.signal }).then(
        () => true,
        () => false,
      );
    let silent = false;
    const stuck = (watchSilence ? after(this.c.silentMs) : new Promise<boolean>(() => undefined)).then((due) => {
      silent = due && !this.c.tail(1);
      return silent ? undefined : new Promise<void>(() => undefined); // a console that spoke: no verdict here
    });
    // Without that line (a console that cannot be read), trying from half the boot's time on.
    await Promise.race([sshd.said, this.q.exited, after(this.c.timeoutMs / 2), stuck]);
    sshd.cancel();
    wait.abort();
    if (silent && !this.gone) throw new SilentBoot(Math.round(this.c.silentMs / 1000), this.c.hint);
    await this.until(
      'Booting Linux and connecting over SSH',
      undefined,
      () =>
        this.tunnel.connect().then(
          () => true,
          () => false,
        ),
      200,
      () => this.tunnel.lastError,
    );
    await this.tunnel.listen();
    await this.until('Waiting for dockerd', 0.3, () => ping(this.socket, Math.max(1000, this.deadline - Date.now())));
  }

  /**
   * A warm start: QEMU (started with `-incoming defer`) reads the saved state; the clock is set and
   * the share mounted again. Given `limitMs` at most (then a cold boot is the quicker way).
   */
  async warmStart(limitMs = 60_000): Promise<void> {
    this.deadline = Math.min(this.deadline, Date.now() + limitMs);
    this.c.step('Restoring the VM from its saved state', this.c.at(0.1));
    await this.race(restoreState(this.c.env, this.qmpSocket), 'restoring the saved state');
    this.c.step('Reconnecting to the restored VM', this.c.at(0.6));
    await this.race(this.tunnel.connect(), 'reconnecting over SSH');
    // The clock first (the guest's is as old as the state), then the share; the engine is asked meanwhile.
    const resumed = this.race(this.tunnel.exec(`/sbin/berth-init resume ${(Date.now() / 1000).toFixed(3)}${this.c.home ? ` ${shellQuote(this.c.home)}` : ''}`), 'setting the clock');
    await this.tunnel.listen();
    const answered = this.race(ping(this.socket, 10_000), 'asking dockerd');
    const [r, ok] = await Promise.all([resumed, answered]);
    // These two, like race()'s, are caught by the backend and said as a cold boot's reason.
    if (r.code !== 0) throw new BerthError('COMMAND_FAILED', `the restored VM could not set its clock or mount the shared folder: ${r.output.trim() || `exit code ${r.code}`}`);
    if (!ok) throw new BerthError('COMMAND_FAILED', 'the restored engine did not answer');
    dropState(this.c.env);
    writeRecord(this.c.env, { phase: 'running', at: now() });
  }

  /**
   * `p`, or a rejection in words when QEMU ends first or the start's time is up. Its errors are
   * reasons inside a sentence (a warm start's cold boot, a stop's record), never said alone.
   */
  private async race<T>(p: Promise<T>, what: string): Promise<T> {
    const timer = new AbortController();
    const died = () => new BerthError('COMMAND_FAILED', `QEMU ended while ${what} (${this.goneBrief ?? 'it exited'})`);
    try {
      return await Promise.race([
        p.catch(async (e: unknown) => {
          await Promise.race([this.q.exited, sleep(1000)]); // a QEMU that died says so first
          throw this.gone ? died() : e;
        }),
        this.q.exited.then(() => Promise.reject(died())),
        sleep(Math.max(0, this.deadline - Date.now()), undefined, { signal: timer.signal }).then(() => Promise.reject(new BerthError('COMMAND_FAILED', `it took too long ${what}`))),
      ]);
    } finally {
      timer.abort();
    }
  }

  private readonly parts: PauseParts = {
    gone: () => this.gone,
    exec: (command) => this.tunnel.exec(command),
    hmp: (command) => this.qmp.hmp(command),
    awake: () => !this.paused && !this.stopping,
    wedged: (reason) => ((this.wedged = reason), this.q.proc.kill('SIGKILL')),
    log: (line) => console.error(`${new Date().toISOString()} auto-pause: ${line}`),
  };
  /** Why QEMU was ended from here (a `cont` it did not finish), for the exit's reason. */
  private wedged: string | undefined;

  private async pause(): Promise<void> {
    await pauseVm(this.parts);
    this.paused = true;
  }

  private resume(): Promise<void> {
    return resumeVm(this.parts, () => (this.paused = false));
  }

  /** Ends QEMU at once (a failed start); resolves once it is gone. */
  async kill(): Promise<void> {
    this.stopping = true;
    this.q.proc.kill('SIGKILL');
    await this.q.exited;
    await this.tunnel.close();
  }

  /** fstrim over the open SSH connection (see disk-trim.ts): once it returns, the host has the space back. */
  async trim(): Promise<number> {
    if (this.gone) throw new BerthError('COMMAND_FAILED', this.gone);
    if (this.paused) throw new BerthError('CONFLICT', 'The VM is paused, so its disk cannot be compacted now.', { hint: 'Start the VM (the VM page, or `berth vm start`), then compact again.' });
    return trimOutcome(await within(this.tunnel.exec(TRIM_COMMAND), 300_000, 'trimming the data disk'));
  }

  /** QEMU's own hostfwd (over QMP), TCP or UDP, on 127.0.0.1 or 0.0.0.0; in the guest dockerd's DNAT rules take it to the container. */
  async forwardPort({ protocol, port, address }: ForwardedPort): Promise<() => Promise<void>> {
    const rule = `${protocol}:${address}:${port}`;
    const name = `${protocol === 'udp' ? 'UDP port' : 'Port'} ${port} on ${address}`;
    const out = (await this.qmp.hmp(`hostfwd_add net0 ${rule}-:${port}`)).trim();
    if (out)
      throw /could not set up host forwarding/i.test(out)
        ? new BerthError('CONFLICT', `${name} is already taken by another program.`)
        : new BerthError('COMMAND_FAILED', `QEMU refused to forward ${name.replace(/^P/, 'p')}: ${out}`);
    return async () => void (await this.qmp.hmp(`hostfwd_remove net0 ${rule}`).catch(() => undefined));
  }

  /** Saves the VM's state for the next start; where that fails, a clean shutdown (dockerd stops its containers, the disk is unmounted). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.paused) await this.resume().catch(() => undefined); // saving (or shutting down) needs a running guest
    const failed = await this.save().then(
      () => undefined,
      async (e: Error) => {
        await Promise.race([this.q.exited, sleep(1000)]); // a QEMU that died says so first
        return this.goneBrief ? `QEMU ended while saving (${this.goneBrief})` : savingWords(e.message);
      },
    );
    if (failed === undefined) return;
    writeRecord(this.c.env, { phase: 'stopped', reason: failed, at: now() });
    await this.tunnel.exec('kill -TERM 1').catch(() => undefined);
    const timeout = sleep(60_000).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited, timeout])) === 'timeout') this.q.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Its errors are the reason in the record (stop() words them), never said alone. */
  private async save(): Promise<void> {
    if (this.gone) throw new BerthError('COMMAND_FAILED', this.gone);
    writeRecord(this.c.env, { phase: 'saving', at: now() });
    this.deadline = Date.now() + 60_000; // a time of its own: the boot's ran out long ago in a VM that has been up a while
    const prep = await this.race(this.tunnel.exec('/sbin/berth-init save'), 'getting the VM ready to save');
    if (prep.code !== 0) throw new BerthError('COMMAND_FAILED', prep.output.trim() || `the VM could not get ready to save (exit code ${prep.code})`);
    await this.tunnel.close(); // its session in the guest ends before the VM is paused
    this.qmp.close(); // QEMU's control socket takes one client at a time
    const bytes = await saveState(this.c.env, this.qmpSocket);
    const quit = await Promise.race([this.exited.then(() => 'gone' as const), sleep(15_000).then(() => 'late' as const)]);
    if (quit === 'late') this.q.proc.kill('SIGKILL'); // the state is whole: only QEMU's own exit is late
    await this.exited;
    const disk = diskStamp(this.c.dataDisk);
    if (!disk) throw new BerthError('COMMAND_FAILED', 'the data disk is gone');
    writeRecord(this.c.env, { phase: 'saved', ...this.c.needs, disk, bytes, savedAt: now() });
  }
}

/** QEMU's reason a save was refused, in words a user acts on. */
export function savingWords(message: string): string {
  const share = /VirtFS export path '(.*)' is mounted in the guest using mount_tag '(\w+)'/i.exec(message);
  if (share) return `QEMU cannot save a VM while a shared folder is mounted in it, and something in the VM, such as a container with a bind mount from ${share[1]}, still uses it`;
  return message;
}
