/**
 * One connection to one docker engine: the dockerode client, the single /events subscription that
 * drives every `*:changed` push, and the engine status (connecting / up / unreachable + reason).
 * While the engine is up nothing runs on a timer; only while it is down do we retry, with backoff.
 */
import Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { EngineStatus } from '../../shared/models';
import { changedEvent } from '../../shared/api-contract';
import type { EventHub } from '../event-hub';
import { formatEndpoint, type EngineEndpoint } from './endpoint';
import { engineMessage } from './engine-errors';
import { ChangeCoalescer, kindsForEvent, type DockerEvent } from './event-table';

export interface EngineConnectionOptions {
  retryMinMs?: number;
  retryMaxMs?: number;
  pingTimeoutMs?: number;
  coalesceMs?: number;
  /** The address to show, when it is not the one connected to (an ssh:// engine behind its tunnel). */
  display?: string;
  /** A better reason than the socket's when the engine cannot be reached (the SSH tunnel's). */
  failureReason?: () => string | undefined;
}

const ALL_KINDS = ['containers', 'images', 'volumes', 'networks'] as const;

export class EngineConnection {
  readonly docker: Dockerode;
  private status: EngineStatus;
  private events: Readable | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  private connecting = false;
  private disposed = false;
  private readonly coalescer: ChangeCoalescer;
  private readonly opts: Required<EngineConnectionOptions>;

  constructor(
    readonly endpoint: EngineEndpoint,
    private readonly hub: EventHub,
    opts: EngineConnectionOptions = {},
  ) {
    this.opts = { retryMinMs: 250, retryMaxMs: 5000, pingTimeoutMs: 3000, coalesceMs: 100, display: formatEndpoint(endpoint), failureReason: () => undefined, ...opts };
    this.retryDelay = this.opts.retryMinMs;
    this.docker =
      endpoint.kind === 'unix'
        ? new Dockerode({ socketPath: endpoint.socketPath })
        : new Dockerode({ host: endpoint.host, port: endpoint.port, protocol: 'http' });
    this.status = { state: 'connecting', endpoint: this.opts.display, since: Date.now() };
    this.coalescer = new ChangeCoalescer((kind, ids) => this.hub.emit(changedEvent(kind), { ids }), this.opts.coalesceMs);
  }

  getStatus(): EngineStatus {
    return { ...this.status };
  }

  start(): void {
    void this.connect();
  }

  /** A request just failed as unreachable: re-check now rather than wait for the backoff. */
  nudge(): void {
    if (this.status.state === 'up') this.markDown('the engine stopped answering');
    if (!this.connecting) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.connect();
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retryTimer);
    this.coalescer.dispose();
    this.events?.destroy();
  }

  private async connect(): Promise<void> {
    if (this.disposed || this.connecting) return;
    this.connecting = true;
    try {
      await withTimeout(this.docker.ping(), this.opts.pingTimeoutMs, 'ping timed out');
      const version = await withTimeout(this.docker.version(), this.opts.pingTimeoutMs, 'version timed out');
      const stream = (await this.docker.getEvents()) as unknown as Readable;
      if (this.disposed) return void stream.destroy();
      this.attach(stream);
      this.retryDelay = this.opts.retryMinMs;
      this.setStatus({ state: 'up', version: version.Version, reason: undefined });
      // Whatever happened while we were away: every list refreshes once.
      for (const kind of ALL_KINDS) this.coalescer.add(kind);
    } catch (e) {
      this.markDown(this.opts.failureReason() ?? describe(e));
      this.scheduleRetry();
    } finally {
      this.connecting = false;
    }
  }

  private attach(stream: Readable): void {
    this.events?.destroy();
    this.events = stream;
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) this.onEvent(line);
      }
    });
    const lost = (why: string) => {
      if (this.events !== stream || this.disposed) return;
      this.events = undefined;
      this.markDown(why);
      this.scheduleRetry();
    };
    stream.on('error', (e) => lost(`the engine closed its event stream (${describe(e)})`));
    stream.on('close', () => lost('the engine closed its event stream'));
    stream.on('end', () => lost('the engine closed its event stream'));
  }

  private onEvent(line: string): void {
    let ev: DockerEvent;
    try {
      ev = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    for (const kind of kindsForEvent(ev)) this.coalescer.add(kind, ev.Actor?.ID);
  }

  private markDown(reason: string): void {
    if (this.status.state === 'unreachable' && this.status.reason === reason) return;
    this.setStatus({ state: 'unreachable', reason, version: undefined });
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.opts.retryMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private setStatus(patch: Partial<EngineStatus>): void {
    this.status = { ...this.status, ...patch, since: Date.now() };
    this.hub.emit('engine:status', this.getStatus());
  }
}

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string; statusCode?: number };
  if (err?.code === 'ENOENT') return `no engine socket (${err.message ?? 'ENOENT'})`;
  if (err?.code === 'ECONNREFUSED') return 'connection refused: the engine is not running';
  if (err?.code === 'EACCES') return 'permission denied on the engine socket';
  if (typeof err?.statusCode === 'number') return engineMessage(err);
  return err?.message ?? String(e);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
