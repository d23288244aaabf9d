import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, decodePath, newToken, parseTarget } from './auth';

const TOKEN = 'secret-token-123';
const req = (url: string, headers: Record<string, string>) => ({ url, headers }) as unknown as IncomingMessage;
const check = (url: string, headers: Record<string, string>, websocket = false) => checkRequest(req(url, headers), 4000, TOKEN, { websocket });
const ORIGIN = { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' };

describe('browser-mode access', () => {
  it("serves the page (no secret in it) to a loopback Host, with this run's token or none", () => {
    expect(check('/', { host: '127.0.0.1:4000' })).toMatchObject({ ok: true });
    expect(check('/assets/x.js', { host: 'localhost:4000' })).toMatchObject({ ok: true });
    expect(check(`/?token=${TOKEN}`, { host: '127.0.0.1:4000' })).toMatchObject({ ok: true });
    expect(check('/?token=nope', { host: '127.0.0.1:4000' })).toMatchObject({ ok: false, status: 401, reason: expect.stringMatching(/earlier run/) });
  });

  it('needs the token in the URL of the WebSocket; a cookie counts for nothing', () => {
    expect(check(`/api?token=${TOKEN}`, ORIGIN, true)).toMatchObject({ ok: true });
    expect(check('/api', ORIGIN, true)).toMatchObject({ ok: false, status: 401 });
    expect(check('/api?token=nope', ORIGIN, true)).toMatchObject({ ok: false, status: 401 });
    expect(check('/api', { ...ORIGIN, cookie: `berth_token_4000=${TOKEN}` }, true)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses foreign hosts and, for websockets, foreign or missing origins', () => {
    expect(check(`/?token=${TOKEN}`, { host: 'attacker.example:4000' })).toMatchObject({ ok: false, status: 403 });
    expect(check(`/api?token=${TOKEN}`, { host: '127.0.0.1:4000' }, true)).toMatchObject({ ok: false, status: 403 });
    expect(check(`/api?token=${TOKEN}`, { host: '127.0.0.1:4000', origin: 'http://attacker.example' }, true)).toMatchObject({ ok: false, status: 403 });
  });

  it('answers 400 for request targets that do not parse, before anything else', () => {
    for (const target of ['//a:99999/', '//api', 'http://[/', '*', 'http://127.0.0.1:4000/', '', 'a', '/%', '/%E0%A4%A', `/api%?token=${TOKEN}`]) {
      expect(check(target, ORIGIN)).toMatchObject({ ok: false, status: 400 });
      expect(check(`${target}?token=${TOKEN}`, ORIGIN, true)).toMatchObject({ ok: false, status: 400 });
    }
    expect(parseTarget('/a//b?x=1')).toMatchObject({ host: 'berth', pathname: '/a//b', search: '?x=1' });
  });

  it('decodes paths, and says undefined for escapes that are not UTF-8', () => {
    expect(decodePath(parseTarget('/a%20b')!)).toBe('/a b');
    for (const bad of ['/%', '/%E0%A4%A', '/%ZZ', '/%C3']) expect(decodePath(parseTarget(bad)!)).toBeUndefined();
  });

  it('makes long, distinct tokens', () => {
    const a = newToken();
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(newToken()).not.toBe(a);
  });
});
