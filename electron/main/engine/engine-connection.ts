/**
 * One connection to one docker engine: the dockerode client, the single /events subscription that
 * drives every `*:changed` push, and the engine status (connecting / up / unreachable + reason).
 * While the engine is up nothing runs on a timer; only while it is down do we retry, with backoff.
 *
 * A hung engine (it takes connections but answers nothing: SIGSTOPped, deadlocked, swapping) does
 * not close the event stream, so it is noticed by the calls: one that waits too long asks for a
 * ping (see DockerClient). A busy engine (a VM under emulation, a big load) may miss one ping, so
 * only two missed in a row, with no answer to any call meanwhile, mark it "not answering". Then
 * every new call fails at once with ENGINE_TIMEOUT, the waiting calls that asked for a quick
 * answer fail too (long ones keep their own deadline; a load, an upload, a build is never given
 * up), and the retries (pings) bring it back up as soon as the engine answers again.
 */
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { EngineStatus, RefusedHostKey, ResourceKind } from '../../shared/models';
import { productOf } from './product';
import { changedEvent } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import type { EventHub } from '../event-hub';
import { formatEndpoint, type EngineEndpoint } from './endpoint';
import { engineMessage } from './engine-errors';
import { DockerClient, type Deadlines } from './docker-client';
import { actorName, ChangeCoalescer, ENGINE_ID, healthChange, kindsForEvent, type DockerEvent } from './event-table';
import { LineSplitter } from './log-stream';

export interface EngineConnectionOptions {
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long the ping, /version and the start of /events may take (Deadlines.quickMs). */
  pingTimeoutMs?: number;
  /** The other deadlines of engine calls (see DockerClient). */
  deadlines?: Partial<Deadlines>;
  coalesceMs?: number;
  /** The address to show, when it is not the one connected to (an ssh:// engine behind its tunnel). */
  display?: string;
  /** A better reason than the socket's when the engine cannot be reached (the SSH tunnel's). */
  failureReason?: () => string | undefined;
  /** The SSH host key the tunnel refused, shown while unreachable (a "trust this host" step). */
  refusedHostKey?: () => RefusedHostKey | undefined;
  /**
   * True while the engine is known to be absent until something says otherwise (the Berth VM,
   * stopped): no retries meanwhile, so an idle Berth does nothing; `nudge()` looks again.
   */
  holdRetries?: () => boolean;
}

const ALL_KINDS = ['containers', 'images', 'volumes', 'networks', 'swarm'] as const;
/** Pings missed in a row before the engine counts as hung: a busy engine may miss one. */
const MISSES_FOR_HUNG = 2;
/** An engine event is a few hundred bytes; a "line" past this is not one and is dropped. */
const MAX_EVENT_LINE = 1024 * 1024;

const CHECKED_TRACKED = 10_000;

export class EngineConnection {
  readonly docker: Dockerode;
  private readonly client: DockerClient;
  private status: EngineStatus;
  private events: Readable | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  private connecting = false;
  /** The connect attempt running now, if any. */
  private attempt: Promise<void> | undefined;
  private disposed = false;
  /** The engine took a ping and did not answer it: calls fail at once until one is answered. */
  private hung = false;
  /** A check asked for by a slow call is on its way. */
  private checking = false;
  /** Pings that got no answer in a row (and no other call got one meanwhile). */
  private missedPings = 0;
  private readonly coalescer: ChangeCoalescer;
  /** Containers seen with a health check (the oldest forgotten past CHECKED_TRACKED). */
  private readonly checked = new Set<string>();
  private readonly opts: Required<EngineConnectionOptions>;

  constructor(
    readonly endpoint: EngineEndpoint,
    private readonly hub: EventHub,
    opts: EngineConnectionOptions = {},
  ) {
    this.opts = {
      retryMinMs: 250,
      retryMaxMs: 5000,
      pingTimeoutMs: 3000,
      deadlines: {},
      coalesceMs: 100,
      display: formatEndpoint(endpoint),
      failureReason: () => undefined,
      refusedHostKey: () => undefined,
      holdRetries: () => false,
      ...opts,
    };
    this.retryDelay = this.opts.retryMinMs;
    if (endpoint.kind === 'ssh') throw new BerthError('INTERNAL', "An ssh:// engine is reached through its tunnel's local socket.");
    this.client = new DockerClient(endpoint, { refusal: () => this.refusal(), slow: () => void this.checkAnswering() }, { ...this.opts.deadlines, quickMs: this.opts.pingTimeoutMs });
    this.docker = this.client.docker;
    this.status = { state: 'connecting', endpoint: this.opts.display, since: Date.now() };
    this.coalescer = new ChangeCoalescer((kind, ids) => this.hub.emit(changedEvent(kind), { ids }), this.opts.coalesceMs);
  }

  getStatus(): EngineStatus {
    const hostKey = this.status.state === 'unreachable' ? this.opts.refusedHostKey?.() : undefined;
    return { ...this.status, ...(hostKey ? { hostKey } : {}) };
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
    this.client.dispose();
  }

  private connect(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.connecting) this.attempt = this.attemptConnect();
    return this.attempt ?? Promise.resolve();
  }

  /** Looks again now and resolves with the outcome (the banner's Retry). */
  async retry(): Promise<EngineStatus> {
    if (this.status.state === 'up') return this.getStatus(); // a late click: nothing to look for
    this.nudge();
    await this.attempt;
    return this.getStatus();
  }

  private async attemptConnect(): Promise<void> {
    this.connecting = true;
    const asked = Date.now();
    try {
      await this.docker.ping(); // the one call that goes while the engine is not answering
      this.hung = false;
      this.missedPings = 0;
      const version = await this.docker.version();
      const stream = (await this.docker.getEvents()) as unknown as Readable;
      if (this.disposed) return void stream.destroy();
      this.attach(stream);
      this.retryDelay = this.opts.retryMinMs;
      this.setStatus({ state: 'up', version: version.Version, product: productOf(version), reason: undefined, notAnswering: undefined });
      // Whatever happened while we were away: every list refreshes once.
      for (const kind of ALL_KINDS) this.coalescer.add(kind);
    } catch (e) {
      if (isTimeout(e)) {
        if (this.hung || this.missedPing(asked)) this.markNotAnswering();
      } else {
        this.hung = false; // gone rather than hung (killed, say): calls fail on their own, at once
        this.missedPings = 0;
        this.markDown(this.opts.failureReason() ?? describe(e));
      }
      this.scheduleRetry();
    } finally {
      this.connecting = false;
    }
  }

  private attach(stream: Readable): void {
    this.events?.destroy();
    this.events = stream;
    const lines = new LineSplitter(MAX_EVENT_LINE);
    stream.on('data', (chunk: Buffer) => {
      for (const line of lines.push(chunk)) if (line.trim()) this.onEvent(line);
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

  /** One line of /events. Whatever the engine sends (not JSON, not an event), it never throws. */
  private onEvent(line: string): void {
    try {
      const ev = JSON.parse(line) as DockerEvent | null;
      if (!ev || typeof ev !== 'object' || typeof ev.Type !== 'string' || typeof (ev.Action ?? '') !== 'string') return;
      const kinds = kindsForEvent(ev);
      if (!Array.isArray(kinds)) return; // a Type or Action named like an Object property ("constructor")
      const id = typeof ev.Actor?.ID === 'string' ? ev.Actor.ID : undefined;
      for (const kind of kinds as readonly ResourceKind[]) this.coalescer.add(kind, id); // isArray made it any[]
      this.followHealth(ev, id);
    } catch (e) {
      if (!(e instanceof SyntaxError)) console.warn('[berth] an engine event could not be read:', e);
    }
  }

  /**
   * Pushes a container's health changes. The engine says none when a checked container starts
   * again, yet its health is "starting" then: that is pushed for the containers seen checked.
   * And the end of each exec in a container (a probe is one), for the Health tab.
   */
  private followHealth(ev: DockerEvent, id: string | undefined): void {
    const health = healthChange(ev);
    if (health) {
      this.checked.delete(health.id);
      this.checked.add(health.id);
      if (this.checked.size > CHECKED_TRACKED) this.checked.delete(this.checked.values().next().value!);
      return void this.hub.emit('containers:health', health);
    }
    if (ev.Type !== 'container' || !id || !ENGINE_ID.test(id)) return;
    // Each health probe is an exec: its end is pushed (the Health tab reads the probes again on it).
    if (typeof ev.Action === 'string' && ev.Action.startsWith('exec_die')) return void this.hub.emit('containers:exec-ended', { id });
    if (!this.checked.has(id)) return;
    if (ev.Action === 'destroy') this.checked.delete(id);
    else if (ev.Action === 'start') this.hub.emit('containers:health', { id, name: actorName(ev.Actor?.Attributes ?? {}, id), status: 'starting' });
  }

  /** The engine is known not to answer: every call fails with this at once. */
  private refusal(): BerthError | undefined {
    return this.hung ? new BerthError('ENGINE_TIMEOUT', `The engine at ${this.opts.display} is not answering.`) : undefined;
  }

  /**
   * A call has waited long: pings, one at a time (one check at a time), say whether the engine
   * still answers. It stops at the first answer (to the ping or any other call); two pings missed
   * in a row mark the engine not answering.
   */
  private async checkAnswering(): Promise<void> {
    if (this.checking || this.hung || this.disposed || this.status.state !== 'up') return;
    this.checking = true;
    try {
      for (;;) {
        const asked = Date.now();
        const failure = await this.docker.ping().then(
          () => undefined,
          (e: unknown) => e ?? new BerthError('ENGINE_UNREACHABLE', 'The engine did not answer its ping.'),
        );
        if (this.disposed || this.status.state !== 'up') return;
        if (failure === undefined) return void (this.missedPings = 0);
        if (!isTimeout(failure)) {
          this.markDown(this.opts.failureReason() ?? describe(failure));
          return this.scheduleRetry();
        }
        if (this.missedPing(asked)) return this.markNotAnswering();
        if (this.missedPings === 0) return; // another call was answered meanwhile: slow, not hung
      }
    } finally {
      this.checking = false;
    }
  }

  /** A ping asked at `asked` got no answer: whether that makes two in a row with no other answer meanwhile. */
  private missedPing(asked: number): boolean {
    if (this.client.answeredSince(asked)) this.missedPings = 0;
    else this.missedPings++;
    return this.missedPings >= MISSES_FOR_HUNG;
  }

  private markNotAnswering(): void {
    const events = this.events;
    this.events = undefined; // so its close is not taken for the engine going away
    events?.destroy();
    this.hung = true;
    this.markDown(`no answer to ${MISSES_FOR_HUNG} pings in a row, each given ${this.opts.pingTimeoutMs / 1000} s (the engine may be hung or overloaded)`, true);
    this.client.failWaiting(this.refusal()!);
    this.scheduleRetry();
  }

  private markDown(reason: string, notAnswering = false): void {
    if (this.status.state === 'unreachable' && this.status.reason === reason) return;
    this.setStatus({ state: 'unreachable', reason, version: undefined, product: undefined, notAnswering: notAnswering || undefined });
  }

  private scheduleRetry(): void {
    if (this.disposed || this.retryTimer || this.opts.holdRetries?.()) return;
    // A hung engine gets its next ping at once: each waits its deadline anyway, and the one on its
    // way when the engine continues is answered at once, so Berth is back as soon as the engine is.
    const delay = this.hung || this.missedPings > 0 ? this.opts.retryMinMs : this.retryDelay;
    if (!this.hung && this.missedPings === 0) this.retryDelay = Math.min(this.retryDelay * 2, this.opts.retryMaxMs);
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
  return (err?.message ?? String(e)).replace(/\.$/, ''); // the banner ends the reason itself (a TLS failure's sentence has its own stop)
}

function isTimeout(e: unknown): boolean {
  return e instanceof BerthError && e.code === 'ENGINE_TIMEOUT';
}
