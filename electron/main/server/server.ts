/**
 * Browser mode: serves the renderer build and the same API over a WebSocket, on 127.0.0.1 only.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Router } from '../api/router';
import { openSession, parseClientMessage } from '../api/session';
import type { EventHub } from '../event-hub';
import { MAX_REQUEST_BYTES, type ServerMessage } from '../../shared/wire';
import { checkRequest, cookieName, newToken } from './auth';

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

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const root = resolve(opts.staticDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`Renderer build not found in ${root}: run "npm run build" first.`);
  }
  let port = 0;

  const http = createServer((req, res) => serveHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });

  function serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const verdict = checkRequest(req, port, token, { websocket: false });
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(port) });
      res.end(`Berth: access refused (${verdict.reason}). Open the dashboard with the URL Berth printed.\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders(port)).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (verdict.viaQuery) {
      // Trade the token in the URL for a cookie, then show a clean address.
      res.writeHead(302, {
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
        ...securityHeaders(port),
      });
      res.end();
      return;
    }
    let file = resolve(root, '.' + decodeURIComponent(url.pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403, securityHeaders(port)).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html'); // SPA fallback
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...securityHeaders(port) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  http.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, port, token, { websocket: true });
    if (!verdict.ok || new URL(req.url ?? '/', 'http://x').pathname !== '/api') {
      const status = verdict.ok ? '404 Not Found' : verdict.status === 401 ? '401 Unauthorized' : '403 Forbidden';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onClient(ws));
  });

  function onClient(ws: WebSocket): void {
    const out = new Outbox(ws);
    const session = openSession(opts.router, opts.hub, (m) => out.send(m));
    ws.on('close', () => {
      session.close();
      out.close();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      const msg = isBinary ? undefined : parseClientMessage(data.toString());
      if (!msg) void out.send({ t: 'res', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Malformed request message' } });
      else void session.onMessage(msg);
    });
  }

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
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

/**
 * Sends to one client and tracks bytes the socket has not flushed yet. `send` resolves at once
 * while that is under HIGH; above it, it resolves when the backlog drains below LOW, so a stream
 * that awaits it reads its source no faster than the client takes it (memory stays bounded).
 */
export class Outbox {
  static readonly HIGH = 4 * 1024 * 1024;
  static readonly LOW = 1024 * 1024;
  private backlog = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly ws: WebSocket) {}

  send(m: ServerMessage): Promise<void> {
    if (this.ws.readyState !== this.ws.OPEN) return Promise.resolve();
    const data = JSON.stringify(m);
    this.backlog += data.length;
    this.ws.send(data, () => {
      this.backlog -= data.length;
      if (this.backlog < Outbox.LOW) this.wake();
    });
    return this.backlog > Outbox.HIGH ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
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
