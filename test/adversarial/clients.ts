/** Hostile and ordinary clients of a browser-mode server in this process, and what they leave behind. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect as tcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../electron/main/server/server';

/** Open file descriptors of this process (the server's sockets and files among them). */
export const openFds = () => readdirSync('/proc/self/fd').length;

/**
 * Sends `head` (a request line and headers, CRLF-separated, without the blank line) on a fresh
 * TCP connection and resolves with the status code of the answer (0: closed without one).
 */
export function rawRequest(port: number, head: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = tcp(port, '127.0.0.1');
    let got = '';
    const done = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0));
    };
    socket.setTimeout(5000, () => reject(new Error(`no answer to ${JSON.stringify(head.split('\r\n')[0])}`)));
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) done();
    });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(`${head}\r\n\r\n`);
  });
}

/** The headers of a WebSocket upgrade to `target` from our own origin. */
export const upgradeHead = (server: RunningServer, target: string) =>
  [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${server.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    `Origin: ${server.origin}`,
  ].join('\r\n');

/** A WebSocket client with the token, as the page opens it. */
export function connect(server: RunningServer): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: server.origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export type Message = { t: string; id: number; ok?: boolean; error?: { code: string; message: string }; data?: unknown; value?: unknown };

/** Every message the client receives, JSON or binary frame, in order. */
export function collect(ws: WebSocket): Message[] {
  const got: Message[] = [];
  ws.on('message', (d, isBinary) => got.push(isBinary ? { t: 'binary', id: (d as Buffer).readUInt32BE(1), data: d } : (JSON.parse(d.toString()) as Message)));
  return got;
}

/** Sends one request and resolves with its reply. */
export function rpc(ws: WebSocket, id: number, method: string, args: unknown = {}): Promise<Message> {
  return new Promise((resolve) => {
    const onMsg = (d: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      const m = JSON.parse(d.toString()) as Message;
      if (m.t !== 'res' || m.id !== id) return;
      ws.off('message', onMsg);
      resolve(m);
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'req', id, method, args }));
  });
}

/** The server still answers a new client (it is alive and not stuck). */
export async function stillAnswers(server: RunningServer): Promise<boolean> {
  const ws = await connect(server);
  try {
    return (await rpc(ws, 1, 'engine.status')).ok === true;
  } finally {
    ws.terminate();
  }
}

/**
 * For a test file: os.tmpdir() (where uploads and loads are staged) is a folder of its own while
 * its tests run, so what they leave there can be counted; `staged()` counts it.
 */
export function privateStaging(): { staged: () => string[] } {
  let dir = '';
  const before = process.env.TMPDIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-staging-'));
    process.env.TMPDIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return { staged: () => readdirSync(dir) };
}
