/**
 * A registry's repositories and tags, read over the Distribution v2 API from this computer
 * (`/v2/_catalog`, `/v2/<name>/tags/list`), with the login Berth keeps for it: Basic, or a
 * Bearer token from the registry's token service. HTTPS, and plain HTTP only for a registry on
 * 127.0.0.0/8 or localhost (as the engine allows). Every answer is bounded (pages, bytes, time)
 * and every failure said in words.
 */
import { BerthError } from '../../shared/errors';
import { normaliseServer } from '../../shared/image-ref';
import type { EngineAuth } from './registry-logins';

/** What a listing got: the names, and whether the registry had more than Berth read. */
export interface Listing {
  items: string[];
  more: boolean;
}

type Fetch = typeof fetch;
const PAGE = 1000;
const MAX_PAGES = 10;
const MAX_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;

const loopback = (server: string) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(server);
/** Plain HTTP only from a loopback registry to loopback: a remote one may not send Berth (and a login) to a local port. */
const plainAllowed = (server: string, to: URL) => to.protocol === 'http:' && loopback(server) && loopback(to.host);
/** Docker Hub's API lives at registry-1.docker.io. */
const apiHost = (server: string) => (server === 'docker.io' ? 'registry-1.docker.io' : server);

/** `Bearer realm="https://auth/token",service="reg",scope="..."` as its parts. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const params: Record<string, string> = {};
  for (const m of rest.join(' ').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme: scheme.toLowerCase(), params };
}

/** The next page's path from a `Link: </v2/_catalog?last=x&n=1000>; rel="next"` header. */
export function nextLink(header: string | null): string | undefined {
  const m = header?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  if (!m) return undefined;
  return m[1]!.startsWith('/v2/') ? m[1] : undefined; // never another host
}

/** Lets go of a body Berth will not read (so the connection is not held for it). */
const discard = (res: Response) => res.body?.cancel().catch(() => undefined);

/** The body as JSON, read no further than MAX_BYTES (a hostile server may send without end). */
async function readBounded(res: Response, server: string): Promise<unknown> {
  const pieces: Uint8Array[] = [];
  let bytes = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const next = reader
      ? await reader.read().catch((e: unknown) => {
          const why = (e as Error).name === 'TimeoutError' ? `not all of it in ${TIMEOUT_MS / 1000} s` : 'the connection broke';
          throw new BerthError('UNAVAILABLE', `${server} stopped answering in the middle of a page (${why}).`, { hint: 'Try again; check the registry if it goes on.' });
        })
      : { done: true as const, value: undefined };
    if (next.done) break;
    bytes += next.value.byteLength;
    if (bytes > MAX_BYTES) {
      await reader!.cancel().catch(() => undefined);
      throw new BerthError('COMMAND_FAILED', `${server} answered with more than ${MAX_BYTES / 1024 / 1024} MiB for one page: not a registry's listing.`);
    }
    pieces.push(next.value);
  }
  const text = Buffer.concat(pieces).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new BerthError('COMMAND_FAILED', `${server} answered with something that is not a registry's listing (not JSON).`, { hint: 'Check that the address names a Docker registry (v2 API).' });
  }
}

export class RegistryBrowser {
  /** Bearer tokens by server and scope, for the few minutes they last. */
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(
    private readonly auth: (server: string) => Promise<EngineAuth | undefined>,
    private readonly fetchFn: Fetch = fetch,
  ) {}

  /** The repositories a registry lists (those the login may see). */
  async catalog(server: string): Promise<Listing> {
    const key = normaliseServer(server);
    const unlisted = () =>
      new BerthError('NOT_FOUND', `${key} does not list its repositories (it has no /v2/_catalog, as Docker Hub and most hosted registries).`, { hint: 'Type a repository name to see its tags.' });
    if (key === 'docker.io') throw unlisted(); // Hub answers 401 to _catalog whatever the login
    const items: string[] = [];
    let path: string | undefined = `/v2/_catalog?n=${PAGE}`;
    for (let page = 0; path && page < MAX_PAGES; page++) {
      const res = await this.get(key, path, 'registry:catalog:*');
      if (res.status === 404) throw (void discard(res), unlisted());
      const body = (await this.ok(res, key, 'its repositories')) as { repositories?: unknown };
      if (!Array.isArray(body?.repositories)) throw new BerthError('COMMAND_FAILED', `${key} answered without a list of repositories.`);
      items.push(...body.repositories.filter((r): r is string => typeof r === 'string'));
      path = nextPage(res, path);
    }
    return { items, more: path !== undefined };
  }

  /** The tags of one repository. */
  async tags(server: string, repository: string): Promise<Listing> {
    const key = normaliseServer(server);
    const repo = key === 'docker.io' && !repository.includes('/') ? `library/${repository}` : repository;
    const items: string[] = [];
    let path: string | undefined = `/v2/${repo}/tags/list?n=${PAGE}`;
    for (let page = 0; path && page < MAX_PAGES; page++) {
      const res = await this.get(key, path, `repository:${repo}:pull`);
      if (res.status === 404) throw (void discard(res), new BerthError('NOT_FOUND', `${key} has no repository ${repository}.`, { hint: 'Check the name (lower case, e.g. team/app).' }));
      const body = (await this.ok(res, key, `the tags of ${repository}`)) as { tags?: unknown };
      items.push(...(Array.isArray(body?.tags) ? body.tags.filter((t): t is string => typeof t === 'string') : [])); // null: none left
      path = nextPage(res, path);
    }
    return { items: items.sort(), more: path !== undefined };
  }

  private async ok(res: Response, server: string, what: string): Promise<unknown> {
    if (res.status === 401 || res.status === 403) {
      void discard(res);
      const login = await this.auth(server);
      throw login
        ? new BerthError('REGISTRY_AUTH', `${server} refused ${what} to ${login.username} (HTTP ${res.status}).`, { hint: 'Log in again under Images → Registries, or ask for pull rights.' })
        : new BerthError('REGISTRY_AUTH', `${server} shows ${what} only after a login.`, { hint: 'Log in under Images → Registries, then browse again.' });
    }
    if (!res.ok) throw (void discard(res), new BerthError('COMMAND_FAILED', `${server} answered HTTP ${res.status} for ${what}.`));
    return readBounded(res, server);
  }

  /** One GET, with the login as the registry asks for it (a 401's challenge), over HTTPS or, on loopback, HTTP. */
  private async get(server: string, path: string, scope: string): Promise<Response> {
    const base = await this.base(server);
    const login = await this.auth(server);
    const tokenKey = `${server} ${login?.username ?? ''} ${scope}`; // another login sees other things
    const cached = this.tokens.get(tokenKey);
    const headers: Record<string, string> = cached && cached.until > Date.now() ? { authorization: `Bearer ${cached.token}` } : {};
    const first = await this.send(`${base}${path}`, headers, server);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
    if (challenge.scheme === 'basic') {
      if (!login) return first;
      void discard(first);
      return this.send(`${base}${path}`, { authorization: basic(login) }, server);
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return first;
    const token = await this.token(server, challenge.params, scope, login);
    if (!token) return first;
    void discard(first);
    this.tokens.set(tokenKey, { token, until: Date.now() + 60_000 });
    return this.send(`${base}${path}`, { authorization: `Bearer ${token}` }, server);
  }

  private async token(server: string, p: Record<string, string>, scope: string, login?: EngineAuth): Promise<string | undefined> {
    let realm: URL;
    try {
      realm = new URL(p.realm!);
    } catch {
      throw new BerthError('COMMAND_FAILED', `${server} names a token service that is not a URL.`);
    }
    if (realm.protocol !== 'https:' && !plainAllowed(server, realm))
      throw new BerthError('COMMAND_FAILED', `${server} asks for the login to be sent to ${realm.origin} without TLS: Berth does not send it there.`);
    if (p.service) realm.searchParams.set('service', p.service);
    realm.searchParams.set('scope', p.scope ?? scope);
    const res = await this.send(realm.toString(), login ? { authorization: basic(login) } : {}, server);
    if (!res.ok) return void discard(res);
    const body = (await readBounded(res, server)) as { token?: unknown; access_token?: unknown };
    const token = body?.token ?? body?.access_token;
    return typeof token === 'string' ? token : undefined;
  }

  private readonly bases = new Map<string, string>();

  /**
   * https://, or for a loopback registry the scheme whose /v2/ answers as a registry does (200 or
   * 401 with its API version header: a TLS registry asked in plain HTTP answers 400). Only a
   * registry's answer is kept; anything else is asked again next time.
   */
  private async base(server: string): Promise<string> {
    const known = this.bases.get(server);
    if (known) return known;
    const https = `https://${apiHost(server)}`;
    if (!loopback(server)) return https;
    let answered: string | undefined; // a scheme that answered other than "400: you asked in plain HTTP"
    for (const b of [`http://${server}`, https]) {
      const res = await this.send(`${b}/v2/`, {}, server).catch(() => undefined);
      if (!res) continue;
      void discard(res);
      if ((res.status === 200 || res.status === 401) && res.headers.has('docker-distribution-api-version')) {
        this.bases.set(server, b);
        return b;
      }
      if (res.status !== 400) answered ??= b;
    }
    return answered ?? `http://${server}`; // no registry's answer: the listing says why
  }

  /** One GET; redirects are followed here, the login only to the same origin. */
  private async send(url: string, headers: Record<string, string>, server: string): Promise<Response> {
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    try {
      let at = new URL(url);
      let auth = headers;
      for (let hop = 0; ; hop++) {
        const res = await this.fetchFn(at.toString(), { headers: { accept: 'application/json', ...auth }, redirect: 'manual', signal });
        const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
        if (!location) return res;
        void discard(res);
        if (hop >= MAX_REDIRECTS) throw new BerthError('COMMAND_FAILED', `${server} sent Berth through more than ${MAX_REDIRECTS} redirects.`);
        const next = new URL(location, at);
        if (next.protocol !== 'https:' && !plainAllowed(server, next)) throw new BerthError('COMMAND_FAILED', `${server} redirects to ${next.origin} without TLS: Berth does not follow.`);
        if (next.origin !== at.origin) auth = {}; // a login is for the server it was given to
        at = next;
      }
    } catch (e) {
      if (e instanceof BerthError) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const why = (e as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (e as Error).message);
      throw new BerthError('UNAVAILABLE', `The registry ${server} cannot be reached from this computer (${why}).`, { hint: 'Check the address and port, and that it serves the Docker registry API.' });
    }
  }
}

/** The next page's path, unless it is the page just read (a registry that loops). */
const nextPage = (res: Response, path: string): string | undefined => {
  const next = nextLink(res.headers.get('link'));
  return next === path ? undefined : next;
};

const basic = (l: EngineAuth) => `Basic ${Buffer.from(`${l.username}:${l.password}`).toString('base64')}`;
