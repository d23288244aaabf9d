/**
 * One VM, whatever the backend: the state machine, boot and stop, and while it runs the forwarded
 * ports (PortForwarder) and the `berth` context for the user's docker CLI. The daemon hosts one;
 * everything else (app, tray, `berth vm`) talks to it through the VM client.
 */
import { BerthError } from '../../shared/errors';
import { writeFileAtomic } from '../data-lock';
import { readJsonFile } from '../json-file';
import { DockerClient } from '../engine/docker-client';
import { paths } from '../paths';
import { AutoPause } from './auto-pause';
import type { VmResources } from '../../shared/api-contract';
import type { VmBackend, VmRun } from './backend';
import { writeDockerContext } from './docker-context';
import { PortForwarder, type ForwardedPort } from './port-forwarder';
import { portPreference } from './port-preference';
import { followRunning } from './running-containers';
import type { VmInfo } from '../../shared/models';
import { VmStateMachine } from './state';

/** The forwarder asks the guest's engine for its running containers: a few seconds at most. */
const FORWARDER_DEADLINES = { callMs: 15_000, longMs: 15_000, startMs: 15_000 };

export interface VmManagerOptions {
  backend: VmBackend;
  /** Read at every start, so changed CPUs, memory or disk apply on the next start. */
  resources: () => Promise<VmResources> | VmResources;
  env?: NodeJS.ProcessEnv;
}

/** The step the image build reports (image.ts): "Building the VM image (first start only, ...)". */
const IMAGE_BUILD_STEP = /^Building the VM image\b/;

/** How long the last start that reached running took (ms), for "about N s"; undefined when unknown. */
function lastStartMs(env?: NodeJS.ProcessEnv): number | undefined {
  const ms = (readJsonFile(paths.vmLastStart(env)) as { ms?: unknown } | undefined)?.ms;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export class VmManager {
  private readonly sm = new VmStateMachine();
  private run: VmRun | undefined;
  private forwarder: PortForwarder | undefined;
  /** The forwarder's client of the guest's engine. */
  private client: DockerClient | undefined;
  private ports: ForwardedPort[] = [];
  private warnings: string[] = [];
  /** Why the docker CLI's `berth` context could not be written (the user's own is there), if so. */
  private contextWarning: string | undefined;
  /** This start built the VM image first (a first run): its time is not the next start's. */
  private builtImage = false;
  /** The last start's time being written (vm/last-start.json); for tests to wait on. */
  recorded: Promise<void> = Promise.resolve();
  /** Aborts the boot in progress (a stop while starting). */
  private abortBoot: AbortController | undefined;
  private booting: Promise<void> | undefined;
  private readonly listeners = new Set<(i: VmInfo) => void>();
  /** While running: auto-pause and what feeds it (the running containers). */
  private autoPause: { ap: AutoPause; unfollow: () => void } | undefined;
  /** The auto-pause preference (minutes idle; 0: never), as read at the start or changed since. */
  private minutes: number | undefined;
  /** Holds not yet released (hold()): each holds the auto-pause running now, or the next one. */
  private readonly holds = new Set<{ release?: () => void }>();

  constructor(private readonly opts: VmManagerOptions) {
    this.sm.on(() => this.emit());
  }

  info(): VmInfo {
    return {
      ...this.sm.get(),
      backend: this.opts.backend.kind,
      ...(this.run ? { dockerHost: this.run.dockerHost, ...(this.run.ssh ? { ssh: this.run.ssh } : {}) } : {}),
      ports: [...new Set(this.ports.map((p) => p.port))],
      forwards: this.ports,
      warnings: this.contextWarning ? [...this.warnings, this.contextWarning] : this.warnings,
    };
  }

  on(listener: (i: VmInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Boots the VM; resolves when it is running, rejects (state error) with the reason in words. */
  start(): Promise<void> {
    if (this.sm.get().state === 'running') return Promise.resolve();
    if (this.sm.get().state === 'paused' && this.autoPause) return this.autoPause.ap.gate(); // resumes
    if (this.booting) return this.booting;
    this.sm.to('starting', { step: 'Preparing', ...(lastStartMs(this.opts.env) ? { expectedMs: lastStartMs(this.opts.env) } : {}) });
    this.booting = this.boot().finally(() => (this.booting = undefined));
    return this.booting;
  }

  private async boot(): Promise<void> {
    this.builtImage = false;
    const abort = (this.abortBoot = new AbortController());
    let run: VmRun;
    let resources: VmResources;
    this.minutes = undefined; // read again below, unless the watcher says meanwhile
    try {
      resources = await this.opts.resources();
      if (abort.signal.aborted) throw new BerthError('CONFLICT', 'The VM was asked to stop before it booted.'); // the catch below ends it stopped
      run = await this.opts.backend.boot(
        resources,
        (s, p) => {
          if (IMAGE_BUILD_STEP.test(s)) this.builtImage = true;
          this.sm.step(s, p);
        },
        abort.signal,
      );
    } catch (e) {
      if (this.sm.get().state === 'stopping') return this.sm.to('stopped');
      const { message, hint } = e as Error & { hint?: string };
      this.sm.to('error', { reason: hint ? `${message} ${hint}` : message, errorCode: e instanceof BerthError ? e.code : 'COMMAND_FAILED' });
      throw e;
    }
    if (this.sm.get().state === 'stopping') {
      // Asked to stop while booting: finish the boot's way out cleanly.
      await run.stop();
      return this.sm.to('stopped');
    }
    this.run = run;
    void run.exited.then((e) => this.gone(run, e.expected ? undefined : (e.reason ?? 'The VM stopped by itself.')));
    // Deadlines on every call (no watchdog: nothing here shows the engine's state).
    const client = new DockerClient({ kind: 'unix', socketPath: run.dockerHost.replace(/^unix:\/\//, '') }, { refusal: () => undefined, slow: () => undefined }, FORWARDER_DEADLINES);
    this.client = client;
    const forwarder = new PortForwarder({
      docker: client.docker,
      forward: (p) => run.forwardPort(p),
      ...portPreference(this.opts.env),
      onChange: (ports, warnings) => {
        this.ports = ports;
        this.warnings = warnings;
        this.emit();
      },
    });
    this.forwarder = forwarder;
    await forwarder.start().catch(() => undefined); // ports follow once events flow
    if (this.sm.get().state === 'stopping') return; // stop() closed the forwarder, and stops the run
    this.contextWarning = writeDockerContext(run.dockerHost, this.opts.env).warning;
    const { startedAt } = this.sm.get();
    // A start that built the image first says nothing of how long the next one takes.
    if (startedAt && !this.builtImage)
      this.recorded = writeFileAtomic(paths.vmLastStart(this.opts.env), JSON.stringify({ ms: Math.max(1, Date.now() - startedAt), backend: this.opts.backend.kind }), 0o644).catch(() => undefined);
    this.sm.to('running');
    this.minutes ??= resources.autoPauseMinutes; // a change the watcher delivered during the boot is newer
    this.startAutoPause(run, client);
  }

  /**
   * Auto-pause (where the backend can pause): BERTH_VM_AUTO_PAUSE_MS, for tests, over the preference's
   * minutes. Its timer runs only while no container runs; a new connection or any byte resumes.
   */
  private idleMs(): number {
    const override = Number(this.opts.env?.BERTH_VM_AUTO_PAUSE_MS);
    return this.opts.env?.BERTH_VM_AUTO_PAUSE_MS && Number.isFinite(override) ? override : (this.minutes ?? 0) * 60_000;
  }

  /** The preference changed (the daemon watches the settings): it applies to the VM running now too. */
  setAutoPauseMinutes(minutes: number): void {
    if (minutes === this.minutes) return;
    this.minutes = minutes;
    if (this.autoPause) this.autoPause.ap.setIdleMs(this.idleMs());
    else if (this.run && this.client && this.sm.get().state === 'running') this.startAutoPause(this.run, this.client);
  }

  private startAutoPause(run: VmRun, client: DockerClient): void {
    const idleMs = this.idleMs();
    if (!run.pausing || !(idleMs > 0)) return;
    const { pausing } = run;
    const ap = new AutoPause({
      idleMs,
      pause: async () => {
        await pausing.pause();
        console.log(`${new Date().toISOString()} auto-pause: paused after ${Math.round(this.idleMs() / 1000)} s idle`);
      },
      resume: async () => {
        const t0 = performance.now();
        await pausing.resume();
        console.log(`${new Date().toISOString()} auto-pause: resumed in ${Math.round(performance.now() - t0)} ms (the clock set)`);
      },
      onPaused: (paused) => {
        const { state } = this.sm.get();
        if (paused && state === 'running') this.sm.to('paused');
        else if (!paused && state === 'paused') this.sm.to('running');
      },
      onError: (what, e) => console.error(`${new Date().toISOString()} auto-pause: could not ${what} the VM: ${e.message}`),
    });
    for (const h of this.holds) h.release = ap.hold();
    pausing.hooks({ gate: () => ap.gate(), traffic: () => ap.traffic() });
    this.autoPause = { ap, unfollow: followRunning(client.docker, (n) => ap.containers(n)) };
  }

  /** Auto-pause ends (a pause in progress finishes first: the run's stop resumes a paused VM). */
  private async endAutoPause(): Promise<void> {
    const a = this.autoPause;
    this.autoPause = undefined;
    a?.unfollow();
    await a?.ap.dispose();
  }

  /** A crash (or a kill) while running or paused: error with the reason; start works again from there. */
  private gone(run: VmRun, reason: string | undefined): void {
    if (this.run !== run) return;
    this.run = undefined;
    void this.endAutoPause();
    void this.closeForwarder();
    this.ports = [];
    this.warnings = [];
    const state = this.sm.get().state;
    if (reason && (state === 'running' || state === 'paused' || state === 'starting')) this.sm.to('error', { reason: state === 'paused' ? `While paused: ${reason}` : reason });
    else if (state !== 'stopped' && state !== 'stopping' && state !== 'error') this.sm.to('stopped');
  }

  /**
   * No auto-pause until the returned release is called (a trim, a `berth vm ssh` session); wakes
   * nothing by itself. Also holds an auto-pause that starts later (the preference changed, a restart).
   */
  hold(): () => void {
    const h: { release?: () => void } = { release: this.autoPause?.ap.hold() };
    this.holds.add(h);
    return () => {
      this.holds.delete(h);
      h.release?.();
    };
  }

  /** Trims the guest's data disk so the host gets its free blocks back; resolves to the bytes trimmed. */
  async trim(): Promise<number> {
    const release = this.hold(); // no pause under the trim, however long it takes
    try {
      // A pause (or a wake) in progress ends first; a paused VM is resumed.
      if (this.sm.get().state === 'running' || this.sm.get().state === 'paused') await this.autoPause?.ap.gate();
      const { state } = this.sm.get();
      if (state !== 'running' || !this.run)
        throw new BerthError('CONFLICT', `The Berth VM is ${state}, so its disk cannot be compacted now.`, { hint: 'Start the VM (the VM page, or `berth vm start`), then compact again.' });
      if (!this.run.trim) throw new BerthError('UNAVAILABLE', `The ${this.opts.backend.kind} VM backend cannot trim its disk.`);
      return await this.run.trim();
    } finally {
      release();
    }
  }

  /** Stops cleanly (also a boot in progress). Stopping a stopped VM is not an error. */
  async stop(): Promise<void> {
    const { state } = this.sm.get();
    if (state === 'stopped' || state === 'stopping') return;
    if (state === 'error') return this.sm.to('stopped');
    this.sm.to('stopping');
    const run = this.run;
    if (!run) {
      // Still booting the machine: the backend ends what it started, and the boot ends stopped.
      this.abortBoot?.abort();
      await this.booting?.catch(() => undefined);
      return;
    }
    await this.endAutoPause();
    await this.closeForwarder(); // also ends a boot waiting on the forwarder's first sync
    this.run = undefined;
    this.ports = [];
    this.warnings = [];
    await run.stop();
    this.sm.to('stopped');
  }

  /** Never waits on the guest's engine: the forwarder aborts its calls. */
  private async closeForwarder(): Promise<void> {
    const { forwarder, client } = this;
    this.forwarder = undefined;
    this.client = undefined;
    await forwarder?.close();
    client?.dispose();
  }

  private emit(): void {
    const i = this.info();
    for (const l of this.listeners) l(i);
  }
}
