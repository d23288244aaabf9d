/**
 * Browser-mode access rules.
 * - Every HTTP request and WebSocket upgrade must come to a loopback Host (no DNS rebinding) with
 *   a request target we can read (anything else is a 400, never an exception).
 * - The renderer's files carry no secret, so they need nothing more: the page is served without
 *   the token, and a reload of the clean address works.
 * - The API (the WebSocket at /api, which can do anything Berth can) also needs our own Origin and
 *   the token, in its URL: `/api?token=`.
 * There is no cookie: cookies are not scoped by port, so one would reach every other server on
 * 127.0.0.1. The page takes the token from the printed URL (`/?token=`), keeps it in
 * sessionStorage (scoped to this origin, port included) and drops it from the address bar.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function sameSecret(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The request target as a URL, or undefined when it is not an origin-form target ("/path?query")
 * that parses. One that starts with "//" is refused too: a URL parser reads it as another host
 * (`//a:99999/` is a bad port to Node's), and no page of ours has such a path.
 */
export function parseTarget(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://berth');
  } catch {
    return undefined;
  }
}

/** The decoded path of a target, or undefined when its escapes are not valid UTF-8 (`/%`, `/%E0%A4%A`). */
export function decodePath(url: URL): string | undefined {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
}

export type AuthVerdict = { ok: true; url: URL; path: string } | { ok: false; status: 400 | 401 | 403; reason: string };

export function checkRequest(req: IncomingMessage, port: number, token: string, opts: { websocket: boolean }): AuthVerdict {
  const url = parseTarget(req.url);
  if (!url) return { ok: false, status: 400, reason: 'unreadable request target' };
  const path = decodePath(url);
  if (path === undefined) return { ok: false, status: 400, reason: 'bad escape in the path' };
  const host = req.headers.host ?? '';
  if (!allowedHosts(port).has(host)) return { ok: false, status: 403, reason: 'foreign Host header' };
  const given = url.searchParams.get('token');
  if (opts.websocket) {
    if (req.headers.origin !== `http://${host}`) return { ok: false, status: 403, reason: 'foreign Origin' };
    if (!sameSecret(given, token)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  } else if (given !== null && !sameSecret(given, token)) {
    // A page opened with a token that is not this run's: say so rather than show a dead dashboard.
    return { ok: false, status: 401, reason: 'this link is from an earlier run of Berth' };
  }
  return { ok: true, url, path };
}
