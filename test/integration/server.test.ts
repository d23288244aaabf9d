import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Core } from '../../electron/main/core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { engine, testCore, waitFor } from '../support/engine';

let core: Core;
let server: RunningServer;

beforeAll(async () => {
  core = testCore(engine().dockerHost);
  await waitFor(() => core.engine.getStatus().state === 'up', 10_000, 'engine up');
  server = await startServer({ router: core.router, hub: core.hub, staticDir: 'dist/renderer' });
});
afterAll(async () => {
  await server.close();
  core.dispose();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `berth_token_${server.port}=${server.token}`;

function connect(opts: { origin?: string; token?: string | null; cookie?: string } = {}): Promise<WebSocket> {
  const url = `ws://127.0.0.1:${server.port}/api${opts.token ? `?token=${opts.token}` : ''}`;
  const ws = new WebSocket(url, { origin: opts.origin ?? server.origin, headers: opts.cookie ? { cookie: opts.cookie } : {} });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function rpc(ws: WebSocket, msg: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m.t !== 'res') return;
      ws.off('message', onMsg);
      resolve(m);
    };
    ws.on('message', onMsg);
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  });
}

describe('browser-mode server', () => {
  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses pages without the token, trades the token for a cookie, then serves the app', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(302);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { cookie: cookie() });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    expect((await get('/', { cookie: cookie(), host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('does not serve files outside the renderer build', async () => {
    const r = await get('/..%2f..%2fpackage.json', { cookie: cookie() });
    expect(r.body).not.toContain('"name": "berth"');
  });

  it('refuses WebSockets without the token or from a foreign Origin', async () => {
    await expect(connect({})).rejects.toThrow(/401/);
    await expect(connect({ cookie: cookie(), origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({ token: server.token, origin: 'null' })).rejects.toThrow(/403/);
  });

  it('answers API calls and pushes events over an authorised WebSocket', async () => {
    const ws = await connect({ cookie: cookie() });
    const events: string[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { t: string; name?: string };
      if (m.t === 'event') events.push(m.name!);
    });
    expect(await rpc(ws, { t: 'req', id: 1, method: 'engine.status' })).toMatchObject({ t: 'res', id: 1, ok: true, value: { state: 'up' } });
    expect(await rpc(ws, { t: 'req', id: 2, method: 'volumes.create', args: { name: `ws-${process.pid}` } })).toMatchObject({ id: 2, ok: true });
    await waitFor(() => events.includes('volumes:changed'), 2000, 'volumes:changed push');
    ws.close();
  });

  it('survives malformed, wrong-typed, unknown and oversized requests', async () => {
    const ws = await connect({ token: server.token });
    expect(await rpc(ws, 'not json')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await rpc(ws, { t: 'req', id: 'x', method: 'engine.status' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await rpc(ws, { t: 'req', id: 3, method: 'rm -rf' })).toMatchObject({ id: 3, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await rpc(ws, { t: 'req', id: 4, method: 'volumes.remove', args: { names: 42 } })).toMatchObject({ id: 4, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await rpc(ws, { t: 'req', id: 5, method: '__proto__' })).toMatchObject({ id: 5, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(1024 * 1024));
    expect(await closed).toBe(1009); // message too big: that client is dropped
    const again = await connect({ token: server.token });
    expect(await rpc(again, { t: 'req', id: 6, method: 'engine.status' })).toMatchObject({ ok: true });
    again.close();
  });
});
