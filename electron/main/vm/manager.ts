/**
 * One VM, whatever the backend: the state machine, boot and stop, and while it runs the forwarded
 * ports (PortForwarder) and the `berth` context for the user's docker CLI. The daemon hosts one;
 * everything else (app, tray, `berth vm`) talks to it through the VM client.
 */
import Docker from 'dockerode';
import type { VmBackend, VmResources, VmRun } from './backend';
import { writeDockerContext } from './docker-context';
import { PortForwarder } from './port-forwarder';
import type { VmInfo } from '../../shared/models';
import { VmStateMachine } from './state';

export type { VmInfo };

export interface VmManagerOptions {
  backend: VmBackend;
  /** Read at every start, so changed CPUs, memory or disk apply on the next start. */
  resources: () => Promise<VmResources> | VmResources;
  env?: NodeJS.ProcessEnv;
}

export class VmManager {
  private readonly sm = new VmStateMachine();
  private run: VmRun | undefined;
  private forwarder: PortForwarder | undefined;
  private ports: number[] = [];
  private warnings: string[] = [];
  private booting: Promise<void> | undefined;
  private readonly listeners = new Set<(i: VmInfo) => void>();

  constructor(private readonly opts: VmManagerOptions) {
    this.sm.on(() => this.emit());
  }

  info(): VmInfo {
    return { ...this.sm.get(), backend: this.opts.backend.kind, ...(this.run ? { dockerHost: this.run.dockerHost, ...(this.run.ssh ? { ssh: this.run.ssh } : {}) } : {}), ports: this.ports, warnings: this.warnings };
  }

  on(listener: (i: VmInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Boots the VM; resolves when it is running, rejects (state error) with the reason in words. */
  start(): Promise<void> {
    if (this.sm.get().state === 'running') return Promise.resolve();
    if (this.booting) return this.booting;
    this.sm.to('starting', { step: 'Preparing' });
    this.booting = this.boot().finally(() => (this.booting = undefined));
    return this.booting;
  }

  private async boot(): Promise<void> {
    let run: VmRun;
    try {
      run = await this.opts.backend.boot(await this.opts.resources(), (s) => this.sm.step(s));
    } catch (e) {
      if (this.sm.get().state === 'stopping') return this.sm.to('stopped');
      const { message, hint } = e as Error & { hint?: string };
      this.sm.to('error', { reason: hint ? `${message} ${hint}` : message });
      throw e;
    }
    if (this.sm.get().state === 'stopping') {
      // Asked to stop while booting: finish the boot's way out cleanly.
      await run.stop();
      return this.sm.to('stopped');
    }
    this.run = run;
    void run.exited.then((e) => this.gone(run, e.expected ? undefined : (e.reason ?? 'The VM stopped by itself.')));
    const docker = new Docker({ socketPath: run.dockerHost.replace(/^unix:\/\//, '') });
    this.forwarder = new PortForwarder({
      docker,
      forward: (port) => run.forwardPort(port),
      onChange: (ports, warnings) => {
        this.ports = ports;
        this.warnings = warnings;
        this.emit();
      },
    });
    await this.forwarder.start().catch(() => undefined); // ports follow once events flow; never block the boot on it
    writeDockerContext(run.dockerHost, this.opts.env);
    this.sm.to('running');
  }

  /** A crash (or a kill) while running: error with the reason; start works again from there. */
  private gone(run: VmRun, reason: string | undefined): void {
    if (this.run !== run) return;
    this.run = undefined;
    void this.forwarder?.close();
    this.forwarder = undefined;
    this.ports = [];
    this.warnings = [];
    const state = this.sm.get().state;
    if (reason && (state === 'running' || state === 'starting')) this.sm.to('error', { reason });
    else if (state !== 'stopped' && state !== 'stopping' && state !== 'error') this.sm.to('stopped');
  }

  /** Stops cleanly (also a boot in progress). Stopping a stopped VM is not an error. */
  async stop(): Promise<void> {
    const { state } = this.sm.get();
    if (state === 'stopped' || state === 'stopping') return;
    if (state === 'error') return this.sm.to('stopped');
    this.sm.to('stopping');
    if (state === 'starting') {
      await this.booting?.catch(() => undefined);
      return;
    }
    const run = this.run!;
    await this.forwarder?.close();
    this.forwarder = undefined;
    this.run = undefined;
    this.ports = [];
    this.warnings = [];
    await run.stop();
    this.sm.to('stopped');
  }

  private emit(): void {
    const i = this.info();
    for (const l of this.listeners) l(i);
  }
}
