/**
 * Browser mode: serves the renderer build and the same API over a WebSocket, on 127.0.0.1 only
 * (access rules in auth.ts). No request can end the process: the HTTP handler, the upgrade and
 * every client message run behind a guard that answers with an error and logs what went wrong.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Router } from '../api/router';
import { openSession, parseClientMessage } from '../api/session';
import type { EventHub } from '../event-hub';
import { fromBinaryFrame, MAX_REQUEST_BYTES, toBinaryFrame, type ServerMessage } from '../../shared/wire';
import { checkRequest, newToken } from './auth';
import { BerthError } from '../../shared/errors';

export interface ServerOptions {
  router: Router;
  hub: EventHub;
  staticDir: string;
  port?: number; // 0 = any free port
  token?: string;
}

export interface RunningServer {
  url: string; // with the token: what the user opens
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' } as const;

/** Requests of one client answered at once; more wait unread (see onClient). */
export const MAX_IN_FLIGHT = 64;

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

/** Runs `fn`; if it throws, logs it and runs `recover` (which must not throw either). */
function guarded(what: string, fn: () => void, recover: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error(`[berth] ${what} failed:`, e);
    try {
      recover();
    } catch {
      /* nothing more to do */
    }
  }
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const root = resolve(opts.staticDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new BerthError('UNAVAILABLE', `The dashboard's build is not in ${root}.`, { hint: 'Run "npm run build" first.' });
  }
  let port = 0;

  const http = createServer((req, res) =>
    guarded(
      'HTTP request',
      () => serveHttp(req, res),
      () => (res.headersSent ? res.destroy() : plain(res, 500, 'Berth: internal error (see its log).')),
    ),
  );
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });

  function plain(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(port) });
    res.end(`${text}\n`);
  }

  function serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const verdict = checkRequest(req, port, token, { websocket: false });
    if (!verdict.ok) {
      if (verdict.status === 400) return plain(res, 400, `Berth: bad request (${verdict.reason}).`);
      return plain(res, verdict.status, `Berth: access refused (${verdict.reason}). Open the dashboard with the URL Berth printed.`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders(port)).end();
      return;
    }
    let file = resolve(root, '.' + verdict.path);
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403, securityHeaders(port)).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html'); // SPA fallback (the page reads its token itself)
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...securityHeaders(port) });
    if (req.method === 'HEAD') return void res.end();
    pipeline(createReadStream(file), res, () => {}); // an error (a client gone, a file removed) ends both quietly
  }

  function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_TEXT): void {
    socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a reset before the handshake is done: no one else listens yet
    guarded(
      'WebSocket upgrade',
      () => {
        const verdict = checkRequest(req, port, token, { websocket: true });
        if (!verdict.ok) return refuseUpgrade(socket, verdict.status);
        if (verdict.url.pathname !== '/api') return refuseUpgrade(socket, 404);
        wss.handleUpgrade(req, socket, head, (ws) =>
          guarded(
            'WebSocket client',
            () => onClient(ws),
            () => ws.terminate(),
          ),
        );
      },
      () => refuseUpgrade(socket, 500),
    );
  });

  /**
   * One client. Its messages are handled in order; while it has MAX_IN_FLIGHT requests unanswered
   * or does not read its replies (the Outbox is congested), the rest wait and its socket is not
   * read, so a client that sends without reading holds a bounded amount of memory here.
   */
  function onClient(ws: WebSocket): void {
    const inbox: [RawData, boolean][] = [];
    let inFlight = 0;
    const out = new Outbox(ws, () => next());
    const session = openSession(opts.router, opts.hub, (m) => out.send(m));
    let taking = false;
    const next = () => {
      if (taking) return; // called back from inside take(): the loop below goes on
      taking = true;
      while (inbox.length && !out.congested && inFlight < MAX_IN_FLIGHT) {
        const [data, isBinary] = inbox.shift()!;
        guarded(
          'WebSocket message',
          () => take(data, isBinary),
          () => void out.send(malformed('Berth could not handle this message')),
        );
      }
      taking = false;
      if (inbox.length || out.congested || inFlight >= MAX_IN_FLIGHT) ws.pause();
      else ws.resume();
    };
    const take = (data: RawData, isBinary: boolean) => {
      const msg = isBinary ? fromBinaryFrame(bytesOf(data)) : parseClientMessage(Buffer.from(bytesOf(data)).toString());
      if (!msg || msg.t === 'chunk') return void out.send(malformed('Malformed request message'));
      const request = msg.t === 'req';
      if (request) inFlight++;
      session
        .onMessage(msg)
        .catch((e: unknown) => console.error('[berth] WebSocket message failed:', e))
        .finally(() => {
          if (!request) return;
          inFlight--;
          next();
        });
    };
    ws.on('close', () => {
      inbox.length = 0;
      session.close();
      out.close();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      inbox.push([data, isBinary]);
      next();
    });
  }

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  http.on('error', (e) => console.error('[berth] browser-mode server:', e)); // e.g. EMFILE on accept: that client waits, Berth goes on
  port = (http.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}

const malformed = (message: string): ServerMessage => ({ t: 'res', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT', message } });

/** A message as a frame. One that JSON cannot carry (a BigInt, a cycle) still answers its request or ends its stream, with the error. */
function encode(m: ServerMessage): string | Uint8Array | undefined {
  try {
    return toBinaryFrame(m) ?? JSON.stringify(m);
  } catch (e) {
    console.error(`[berth] a ${m.t} message could not be encoded:`, e);
    const error = { code: 'INTERNAL' as const, message: 'Berth could not send this answer.' };
    if (m.t === 'res') return JSON.stringify({ t: 'res', id: m.id, ok: false, error });
    if (m.t === 'end') return JSON.stringify({ t: 'end', id: m.id, error });
    return undefined; // a chunk or a push that cannot be sent is left out
  }
}

function bytesOf(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Sends to one client (bytes as binary frames, the rest as JSON) and counts what its socket has
 * not flushed yet. Past HIGH it is congested until that falls under LOW: `send` then resolves only
 * once it is not (a stream awaiting it reads its source no faster than the client takes it), and
 * `onFlow` runs at both turns. A client that lets DROP bytes pile up (pushes keep coming to one
 * that never reads) is dropped.
 */
export class Outbox {
  static readonly HIGH = 4 * 1024 * 1024;
  static readonly LOW = 1024 * 1024;
  static readonly DROP = 64 * 1024 * 1024;
  private backlog = 0;
  private waiters: (() => void)[] = [];
  congested = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly onFlow: () => void = () => {},
  ) {}

  send(m: ServerMessage): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return Promise.resolve();
    const data = encode(m);
    if (data === undefined) return Promise.resolve();
    const size = data.length;
    this.backlog += size;
    if (this.backlog > Outbox.DROP) {
      console.error(`[berth] dropping a browser client that has not read ${this.backlog} bytes`);
      this.ws.terminate();
      return Promise.resolve();
    }
    this.ws.send(data, () => {
      this.backlog -= size;
      if (this.congested && this.backlog < Outbox.LOW) {
        this.congested = false;
        this.wake();
        this.onFlow();
      }
    });
    if (!this.congested && this.backlog > Outbox.HIGH) {
      this.congested = true;
      this.onFlow();
    }
    return this.congested ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  close(): void {
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
