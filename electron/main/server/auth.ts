/**
 * Browser-mode access rules. The printed URL carries a random token; opening it sets a cookie
 * scoped to this port. Every HTTP request and WebSocket upgrade must carry the token, come to a
 * loopback Host (no DNS rebinding) and, for WebSockets, from our own Origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function cookieName(port: number): string {
  return `berth_token_${port}`;
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export type AuthVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

export function checkRequest(req: IncomingMessage, port: number, token: string, opts: { websocket: boolean }): AuthVerdict {
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).has(host)) return { ok: false, status: 403, reason: 'foreign Host header' };
  if (opts.websocket) {
    const origin = req.headers.origin;
    if (origin !== `http://${host}`) return { ok: false, status: 403, reason: 'foreign Origin' };
  }
  const url = new URL(req.url ?? '/', `http://${host}`);
  if (sameSecret(url.searchParams.get('token') ?? undefined, token)) return { ok: true, viaQuery: true };
  if (sameSecret(readCookie(req.headers.cookie, cookieName(port)), token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'missing or wrong token' };
}
