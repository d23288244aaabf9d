/**
 * Hostile HTTP against the browser-mode server: request targets a URL parser rejects, bad escapes,
 * odd headers and broken upgrades, with and without the token. Each answers 400 (or the status
 * Node gives), the server keeps answering, and no socket or file stays open.
 */
import { copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { request } from 'node:http';
import { connect as tcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { connectedCore, waitFor } from '../support/engine';
import { openFds, rawRequest, stillAnswers, upgradeHead } from './clients';

const t = connectedCore();
let server: RunningServer;
let fdsBefore = 0;
beforeAll(async () => {
  server = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: 'dist/renderer' });
  expect(await stillAnswers(server)).toBe(true);
  fdsBefore = openFds();
});
afterAll(() => server?.close());

/** Request targets Node's URL parser rejects, or whose escapes are not UTF-8. */
const BAD_TARGETS = ['//a:99999/', 'http://[/', '/%', '/%E0%A4%A', '//[', '/%ZZ/x', '/assets/%C3', '//a:99999/api'];
const withToken = (target: string) => `${target}${target.includes('?') ? '&' : '?'}token=${server.token}`;

describe('hostile HTTP', () => {
  it('an unreadable target or a bad escape answers 400 on plain HTTP and on the upgrade, with or without the token', async () => {
    for (const target of BAD_TARGETS) {
      for (const tgt of [target, withToken(target)]) {
        const plain = [`GET ${tgt} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Connection: close'].join('\r\n');
        expect(await rawRequest(server.port, plain), `GET ${tgt}`).toBe(400);
        expect(await rawRequest(server.port, upgradeHead(server, tgt)), `upgrade ${tgt}`).toBe(400);
      }
    }
    expect(await stillAnswers(server)).toBe(true);
    await waitFor(() => openFds() <= fdsBefore || undefined, 5000, 'the sockets to close');
  });

  it('what a web page can make a browser send (an <img> to the server) takes nothing down', async () => {
    // http://127.0.0.1:P//a:99999/x.png as a browser sends it, with a Referer and an image Accept
    const head = [`GET //a:99999/x.png HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Accept: image/avif,image/webp,*/*', 'Referer: https://evil.example/', 'Connection: close'].join('\r\n');
    expect(await rawRequest(server.port, head)).toBe(400);
    expect(await stillAnswers(server)).toBe(true);
  });

  it('odd headers and broken upgrades get an error status, not a crash', async () => {
    const host = `Host: 127.0.0.1:${server.port}`;
    const cases: [string, number[]][] = [
      [['GET / HTTP/1.1', 'Connection: close'].join('\r\n'), [400]], // no Host at all
      [['GET / HTTP/1.1', 'Host: evil.example', 'Connection: close'].join('\r\n'), [403]],
      [['GET / HTTP/1.1', host, `X-Big: ${'a'.repeat(64 * 1024)}`].join('\r\n'), [431]],
      [['DELETE / HTTP/1.1', host, 'Connection: close'].join('\r\n'), [405]],
      [['GET / HTTP/1.1', host, 'Content-Length: x', 'Connection: close'].join('\r\n'), [400]],
      [upgradeHead(server, withToken('/api')).replace('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: short'), [400]],
      [upgradeHead(server, withToken('/api')).replace('Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99'), [400, 426]],
      [upgradeHead(server, withToken('/elsewhere')), [404]],
      [upgradeHead(server, '/api'), [401]],
      [upgradeHead(server, withToken('/api')).replace(`Origin: ${server.origin}`, 'Origin: https://evil.example'), [403]],
    ];
    for (const [head, statuses] of cases) expect(statuses, head.split('\r\n')[0]).toContain(await rawRequest(server.port, head));
    expect(await stillAnswers(server)).toBe(true);
    await waitFor(() => openFds() <= fdsBefore || undefined, 5000, 'the sockets to close');
  });

  it('a client that resets mid-request or mid-upgrade takes nothing down', async () => {
    for (const head of [`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`, `${upgradeHead(server, withToken('/api'))}\r\n\r\n`]) {
      for (let i = 0; i < 50; i++) {
        await new Promise<void>((resolve) => {
          const s = tcp(server.port, '127.0.0.1', () => {
            s.write(head.slice(0, (i * 7) % head.length));
            s.resetAndDestroy();
            resolve();
          });
          s.on('error', () => resolve());
        });
      }
    }
    expect(await stillAnswers(server)).toBe(true);
    await waitFor(() => openFds() <= fdsBefore || undefined, 5000, 'the sockets to close');
  });
});

describe('the static files', () => {
  it('a file that goes away while it is served ends that answer, not the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-static-'));
    copyFileSync('dist/renderer/index.html', join(dir, 'index.html'));
    const own = await startServer({ router: t.core.router, hub: t.core.hub, staticDir: dir });
    try {
      unlinkSync(join(dir, 'index.html')); // every path now falls back to a file that is not there
      // writeHead only buffers the 200 until the first byte of the body; the file fails to open
      // first, so pipeline() destroys the answer unsent: the client sees the connection close
      // without any answer (never a 200 with an empty or cut-off page).
      const answer = await new Promise<string>((resolve) => {
        const req = request({ host: '127.0.0.1', port: own.port, path: '/' }, (res) => {
          let body = 0;
          res.on('data', (c: Buffer) => (body += c.length));
          res.on('end', () => resolve(`ended ${res.statusCode}`));
          res.on('error', () => resolve(`cut off after ${res.statusCode}, ${body} bytes`));
        });
        req.on('error', (e) => resolve(`no answer: ${e.message}`));
        req.end();
      });
      expect(answer).toBe('no answer: socket hang up');
      expect(await stillAnswers(own)).toBe(true);
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
