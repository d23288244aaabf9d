import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Core } from '../../electron/main/core';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { engine, testCore, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';

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

  it('serves the app (no secret in it) without setting any cookie; a token of another run is refused in words', async () => {
    for (const path of ['/', `/?token=${server.token}`, '/containers']) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<div id="root">');
      expect(page.body).not.toContain(server.token);
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    }
    const stale = await get('/?token=wrong');
    expect(stale.status).toBe(401);
    expect(stale.body).toMatch(/earlier run of Berth/);
  });

  it('refuses a foreign Host header (DNS rebinding), with or without the token', async () => {
    expect((await get('/', { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
  });

  it('does not serve files outside the renderer build', async () => {
    // decoded, the path climbs out of the build: refused, not the index.html fallback
    const r = await get('/..%2f..%2fpackage.json');
    expect(r.status).toBe(403);
    expect(r.body).toBe('');
  });

  it('refuses WebSockets without the token (a cookie counts for nothing) or from a foreign Origin', async () => {
    await expect(connect({})).rejects.toThrow(/401/);
    await expect(connect({ cookie: `berth_token_${server.port}=${server.token}` })).rejects.toThrow(/401/);
    await expect(connect({ token: server.token, origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({ token: server.token, origin: 'null' })).rejects.toThrow(/403/);
  });

  it('answers API calls and pushes events over an authorised WebSocket', async () => {
    const ws = await connect({ token: server.token });
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

  it('streams logs over the socket: chunks then end; bad arguments end with the reason', async () => {
    const name = uniq('ws-logs');
    engine().cli(['run', '--name', name, TEST_IMAGE, 'sh', '-c', 'echo hello; echo oops >&2']);
    const ws = await connect({ token: server.token });
    const got: Record<string, unknown>[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send(JSON.stringify({ t: 'stream', id: 7, name: 'containers.logs', args: { id: name, follow: false, tail: 'all' } }));
    ws.send(JSON.stringify({ t: 'stream', id: 8, name: 'containers.logs', args: { id: name, tail: 'lots' } }));
    await waitFor(() => got.filter((m) => m.t === 'end').length === 2, 5000, 'both streams to end');
    const texts = got.filter((m) => m.t === 'chunk' && m.id === 7).flatMap((m) => (m.data as { text: string }[]).map((l) => l.text));
    expect(texts.sort()).toEqual(['hello', 'oops']);
    expect(got.find((m) => m.t === 'end' && m.id === 7)).toEqual({ t: 'end', id: 7 });
    expect(got.find((m) => m.t === 'end' && m.id === 8)).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/tail/) } });
    ws.close();
  });

  it('cancels a followed stream on request', async () => {
    const name = uniq('ws-follow');
    engine().cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'while true; do echo x; sleep 0.05; done']);
    const ws = await connect({ token: server.token });
    const got: Record<string, unknown>[] = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send(JSON.stringify({ t: 'stream', id: 1, name: 'containers.logs', args: { id: name, tail: 0 } }));
    await waitFor(() => got.some((m) => m.t === 'chunk'), 5000, 'first chunk');
    ws.send(JSON.stringify({ t: 'cancel', id: 1 }));
    await waitFor(() => got.some((m) => m.t === 'end' && m.id === 1), 5000, 'end after cancel');
    expect(got.find((m) => m.t === 'end')).toEqual({ t: 'end', id: 1 });

    ws.close();
  });

  it('ends every stream of a client that goes away', async () => {
    const name = uniq('ws-gone');
    engine().cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'while true; do echo x; sleep 0.05; done']);
    let ended = 0;
    const tracked = await startServer({
      hub: core.hub,
      staticDir: 'dist/renderer',
      router: {
        handle: core.router.handle,
        openStream: (n, a, w) => {
          const s = core.router.openStream(n, a, w);
          void s.done.then(() => ended++);
          return s;
        },
      },
    });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${tracked.port}/api?token=${tracked.token}`, { origin: tracked.origin });
      await new Promise((r) => ws.once('open', r));
      let chunks = 0;
      ws.on('message', (d) => (JSON.parse(d.toString()) as { t: string }).t === 'chunk' && chunks++);
      for (const id of [1, 2]) ws.send(JSON.stringify({ t: 'stream', id, name: 'containers.logs', args: { id: name, tail: 0 } }));
      await waitFor(() => chunks >= 2, 5000, 'chunks from both streams');
      expect(ended).toBe(0);
      ws.terminate();
      await waitFor(() => ended === 2, 5000, 'both streams to end after the client left');
    } finally {
      await tracked.close();
    }
  });
});
