/**
 * The engine client: dockerode over the engine's socket, with what docker-modem does not do itself.
 * - A deadline on every call: the whole answer for a plain call; only the start (headers, or the
 *   upgrade) for the streams meant to last (logs, events, stats, exec, attach, pull, push, save).
 *   A call that sends a body of its own (build, load, upload) has no fixed deadline: only the
 *   watchdog below, since the engine answers only once it has read the body.
 * - A watchdog instead of a timer while all is well: a call with no answer after `slowMs` asks the
 *   connection to check the engine (pings). While the engine is known not to answer, every call
 *   but the ping fails at once, and of the calls still waiting those that ask for a quick answer
 *   (a deadline of `callMs` or less) are failed too; a long call keeps its own deadline, and one
 *   that sends a body (load, upload, build) is never given up for the engine being slow.
 * - A socket of its own for every call (no kept-alive pool: one, tried, made calls 5 to 40 times
 *   slower here, and streams given up while they started were left waiting). A call given up (its
 *   deadline, a 3xx, its caller's cancel) has its socket destroyed.
 * - No redirects, and no connection but to the engine. docker-modem's http.js (a vendored
 *   follow-redirects) would follow a 3xx to whatever host its Location names (`a//b` is answered
 *   301 to http://images/...: a DNS lookup and a TCP connect off the machine, whose unhandled error
 *   ended the process). Its per-request `maxRedirects: 0` makes it stop at the first 3xx, which
 *   becomes a typed error here; and every request's socket is made here, to the engine's address
 *   whatever the request names, and ended when its call is given up (a deadline, a 3xx).
 * - Every stream handed out has an 'error' listener, so an engine error is never unhandled.
 * - A tcp:// engine over TLS gets a TLS socket from here too (tls.ts), its files read once per
 *   connection (one gone since makes every call fail with its name); a failed handshake becomes an
 *   ENGINE_UNREACHABLE in words (an unknown CA named, say).
 */
import type { IncomingMessage } from 'node:http';
import { createConnection, type Socket } from 'node:net';
import Dockerode from 'dockerode';
import type DockerModem from 'docker-modem';
import { BerthError } from '../../shared/errors';
import type { EngineTls } from '../../shared/models';
import { connectTls, explainTlsError, loadTls, type TlsMaterial } from './tls';

/** How long the engine gets, in ms. */
export interface Deadlines {
  /** What the engine answers from memory: /_ping, /version, the start of /events. */
  quickMs: number;
  /** Any other plain call. */
  callMs: number;
  /** Calls that legitimately take long: prune, df, removing images, containers and volumes, stop, create, commit. */
  longMs: number;
  /** The start (headers) of a stream meant to last. */
  startMs: number;
  /** A call still waiting after this asks for one ping, to tell a busy engine from a hung one. */
  slowMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { quickMs: 3000, callMs: 60_000, longMs: 10 * 60_000, startMs: 2 * 60_000, slowMs: 2000 };

/** What the client asks of the connection that owns it. */
export interface EngineWatch {
  /** Set while the engine is known not to answer: every call but the ping fails with it at once. */
  refusal(): BerthError | undefined;
  /** A call has waited `slowMs` without an answer. */
  slow(): void;
}

export type LocalEndpoint = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls?: EngineTls };

type Callback = NonNullable<Parameters<DockerModem['dial']>[1]>;
type Dial = (options: DockerModem.DialOptions, callback: Callback) => void;
interface ModemInternals {
  dial: Dial;
  buildRequest(options: Record<string, unknown>, context: DockerModem.DialOptions, data: unknown, callback: Callback): void;
}

const QUICK = /^(GET \/_ping|HEAD \/_ping|GET \/version|GET \/events)$/;
const LONG =
  /^(POST \/(containers|images|volumes|networks|build)\/prune|GET \/system\/df|DELETE \/(images|containers|volumes)\/|POST \/containers\/[^/]+\/(stop|restart)$|POST \/containers\/create$|POST \/commit$)/;

/** "GET /containers/json" for a dial's options: the method and the path without its query or API version. */
export function route(o: Pick<DockerModem.DialOptions, 'method' | 'path'>): string {
  return `${o.method ?? 'GET'} ${o.path.split('?')[0]!.replace(/^\/v\d+\.\d+(?=\/)/, '')}`;
}

/** The deadline of one call in ms (to its whole answer, or to the start of a stream); undefined: none but the watchdog. */
export function deadlineFor(o: DockerModem.DialOptions, d: Deadlines): number | undefined {
  const r = route(o);
  if (QUICK.test(r)) return d.quickMs;
  if (o.file !== undefined && !Buffer.isBuffer(o.file)) return undefined; // a body streamed from us (see above)
  if (o.isStream || o.hijack || o.openStdin) return d.startMs;
  if (/\/wait$/.test(r)) return undefined; // waits for the container to exit, by design
  return LONG.test(r) ? d.longMs : d.callMs;
}

export class DockerClient {
  readonly docker: Dockerode;
  /** The calls still waiting for their answer (or their stream's start), each with its deadline, to fail when the engine is hung. */
  private readonly waiting = new Map<(e: BerthError) => void, number | undefined>();
  private readonly deadlines: Deadlines;
  private lastAnswer = 0;
  /** For a tcp:// engine: its address and TLS files, to say a failed handshake in words. */
  private readonly tcp?: { address: string; tls?: EngineTls };

  /** Why every call fails: the endpoint's TLS files cannot be used (gone since they were listed), naming the file. */
  private readonly tlsFailure?: BerthError;

  constructor(
    endpoint: LocalEndpoint,
    private readonly watch: EngineWatch,
    deadlines: Partial<Deadlines> = {},
  ) {
    this.deadlines = { ...DEFAULT_DEADLINES, ...deadlines };
    this.docker = endpoint.kind === 'unix' ? new Dockerode({ socketPath: endpoint.socketPath }) : new Dockerode({ host: endpoint.host, port: endpoint.port, protocol: 'http' });
    if (endpoint.kind === 'tcp') this.tcp = { address: `tcp://${endpoint.host}:${endpoint.port}`, ...(endpoint.tls ? { tls: endpoint.tls } : {}) };
    // Read once per connection (a switch reads them again); the modem speaks http over the TLS socket made here.
    let material: TlsMaterial | undefined;
    try {
      material = endpoint.kind === 'tcp' && endpoint.tls ? loadTls(endpoint.tls, this.tcp!.address) : undefined;
    } catch (e) {
      const err = e as BerthError; // the engine is then unreachable, for this reason, rather than Berth failing to start
      this.tlsFailure = new BerthError('ENGINE_UNREACHABLE', err.message, err.hint ? { hint: err.hint } : {});
    }
    const modem = this.docker.modem as unknown as ModemInternals;
    const dial = modem.dial.bind(modem);
    const buildRequest = modem.buildRequest.bind(modem);
    modem.dial = (options, callback) => this.dial(dial, options, callback);
    modem.buildRequest = (options, context, data, callback) => {
      const signal = options.signal as AbortSignal | undefined;
      // A node:http request with createConnection and no agent uses that function for its socket.
      buildRequest(Object.assign(options, { maxRedirects: 0, createConnection: () => connectTo(endpoint, signal, material) }), context, data, callback);
    };
  }

  /**
   * The engine is hung: fails with `error` the waiting calls that ask for a quick answer (a deadline
   * of `callMs` or less). A long call keeps waiting for its own deadline, and a call with none (a
   * body sent: load, upload, build; a wait) is never given up for the engine being slow.
   */
  failWaiting(error: BerthError): void {
    for (const [fail, ms] of [...this.waiting]) if (ms !== undefined && ms <= this.deadlines.callMs) fail(error);
  }

  /** Whether the engine answered any call (an answer or a stream's start) since `time` (Date.now()). */
  answeredSince(time: number): boolean {
    return this.lastAnswer >= time;
  }

  /** Nothing is pooled: every call's socket ends with its call. (Kept for the connection's dispose.) */
  dispose(): void {}

  private dial(dial: Dial, options: DockerModem.DialOptions, userCallback: Callback): void {
    const what = route(options);
    const callback: Callback = (err, result) => {
      try {
        userCallback(err, result);
      } catch (e) {
        console.error(`[berth] a handler of the engine's answer to ${what} failed:`, e); // thrown from a socket event, it would end the process
      }
    };
    const isPing = what.endsWith(' /_ping');
    const refusal = this.tlsFailure ?? (isPing ? undefined : this.watch.refusal());
    if (refusal) return queueMicrotask(() => callback(refusal, null));
    const ms = deadlineFor(options, this.deadlines);
    const abort = new AbortController();
    const timers: ReturnType<typeof setTimeout>[] = [];
    let answered = false;
    const finish: Callback = (err, result) => {
      if (answered) {
        if (!err && isStreamLike(result)) result.destroy(); // came after we gave up on it
        return;
      }
      if (!err || typeof (err as { statusCode?: unknown }).statusCode === 'number') this.lastAnswer = Date.now();
      err ??= notJson(what, result);
      answered = true;
      for (const t of timers) clearTimeout(t);
      this.waiting.delete(fail);
      if (err) {
        abort.abort(); // frees the socket of a request the engine will not finish (a 3xx it sent, a hang)
        return callback(this.tcp ? (explainTlsError(err, this.tcp.address, this.tcp.tls) ?? typed(err, what)) : typed(err, what), null);
      }
      if (isStreamLike(result)) guard(result, what);
      callback(null, result);
    };
    const fail = (e: BerthError) => finish(e, null);
    this.waiting.set(fail, ms);
    if (!isPing) timers.push(setTimeout(() => this.watch.slow(), this.deadlines.slowMs));
    if (ms !== undefined) timers.push(setTimeout(() => fail(new BerthError('ENGINE_TIMEOUT', `The engine did not answer ${what} within ${seconds(ms)}.`)), ms));
    for (const t of timers) t.unref();
    options.abortSignal = options.abortSignal ? AbortSignal.any([options.abortSignal, abort.signal]) : abort.signal;
    try {
      dial(options, finish);
    } catch (e) {
      finish(e as Error, null);
    }
  }
}

/** A socket to the engine, destroyed when `signal` aborts: node:http stops listening to a request's signal once it is sent. */
export function connectTo(endpoint: LocalEndpoint, signal: AbortSignal | undefined, tls?: TlsMaterial): Socket {
  const socket =
    endpoint.kind === 'unix' ? createConnection({ path: endpoint.socketPath }) : tls ? connectTls(endpoint.host, endpoint.port, tls) : createConnection({ host: endpoint.host, port: endpoint.port });
  if (signal) {
    const end = () => socket.destroy();
    if (signal.aborted) end();
    signal.addEventListener('abort', end, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', end));
  }
  return socket;
}

type StreamLike = IncomingMessage | (NodeJS.ReadableStream & { destroy(): void; listenerCount(event: string): number });

function isStreamLike(v: unknown): v is StreamLike {
  return !!v && typeof (v as { on?: unknown }).on === 'function' && typeof (v as { destroy?: unknown }).destroy === 'function';
}

/** The stream's consumer listens for errors itself; this one only keeps an unheard error from ending the process. */
function guard(stream: StreamLike, what: string): void {
  stream.on('error', (e: Error) => {
    if (stream.listenerCount('error') <= 1) console.warn(`[berth] the engine stream of ${what} failed: ${e.message}`);
  });
}

/** docker-modem's own errors pass through (callers read their statusCode); a redirect it stopped at becomes typed. */
function typed(err: Error, what: string): Error {
  if (/^Max redirects exceeded/.test(err.message)) {
    return new BerthError('ENGINE_ERROR', `The engine answered ${what} with a redirect, which Berth never follows.`, {
      hint: 'The engine did not take the name as written (a "//" in it, say); check the name.',
    });
  }
  return err;
}

/**
 * docker-modem hands back the raw bytes when an answer is not JSON. For a GET (but the ping, whose
 * answer is "OK", and a log snapshot) or anything that starts like JSON, that is a broken answer.
 */
function notJson(what: string, result: unknown): BerthError | null {
  if (!Buffer.isBuffer(result)) return null;
  const text = result.toString('utf8', 0, Math.min(result.length, 200)).trim();
  if (!text) return null;
  const expected = /^[[{]/.test(text) || (what.startsWith('GET ') && !/ \/_ping$|\/logs$/.test(what));
  if (!expected) return null;
  try {
    JSON.parse(result.toString('utf8')); // null, 0, false, "": JSON that docker-modem hands back as bytes
    return null;
  } catch {
    // not JSON at all
  }
  return new BerthError('ENGINE_ERROR', `The engine's answer to ${what} is not JSON: ${JSON.stringify(text.slice(0, 80))}.`);
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
