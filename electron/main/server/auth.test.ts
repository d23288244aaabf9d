import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, cookieName, newToken, readCookie } from './auth';

const TOKEN = 'secret-token-123';
const req = (url: string, headers: Record<string, string>) => ({ url, headers }) as unknown as IncomingMessage;
const check = (url: string, headers: Record<string, string>, websocket = false) => checkRequest(req(url, headers), 4000, TOKEN, { websocket });

describe('browser-mode access', () => {
  it('accepts the token in the query or the port-scoped cookie', () => {
    expect(check(`/?token=${TOKEN}`, { host: '127.0.0.1:4000' })).toEqual({ ok: true, viaQuery: true });
    expect(check('/x.js', { host: 'localhost:4000', cookie: `a=b; ${cookieName(4000)}=${TOKEN}` })).toEqual({ ok: true, viaQuery: false });
  });

  it('refuses a missing or wrong token, or the cookie of another port', () => {
    expect(check('/', { host: '127.0.0.1:4000' })).toMatchObject({ ok: false, status: 401 });
    expect(check('/?token=nope', { host: '127.0.0.1:4000' })).toMatchObject({ ok: false, status: 401 });
    expect(check('/', { host: '127.0.0.1:4000', cookie: `${cookieName(4001)}=${TOKEN}` })).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses foreign hosts and, for websockets, foreign or missing origins', () => {
    expect(check(`/?token=${TOKEN}`, { host: 'attacker.example:4000' })).toMatchObject({ ok: false, status: 403 });
    expect(check(`/?token=${TOKEN}`, { host: '127.0.0.1:4000' }, true)).toMatchObject({ ok: false, status: 403 });
    expect(check(`/?token=${TOKEN}`, { host: '127.0.0.1:4000', origin: 'http://attacker.example' }, true)).toMatchObject({ ok: false, status: 403 });
    expect(check(`/?token=${TOKEN}`, { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' }, true)).toEqual({ ok: true, viaQuery: true });
  });

  it('makes long, distinct tokens and reads cookies exactly', () => {
    const a = newToken();
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(newToken()).not.toBe(a);
    expect(readCookie('x=1; y=a=b', 'y')).toBe('a=b');
    expect(readCookie('xy=1', 'x')).toBeUndefined();
  });
});
