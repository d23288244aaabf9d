import { describe, expect, it } from 'vitest';
import { nextLink, parseChallenge, RegistryBrowser } from './registry-browser';

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

/** A fake registry at reg.example.com behind a token service: records what was asked, with which authorization. */
function tokenRegistry(pages: number) {
  const asked: { url: string; auth?: string }[] = [];
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const auth = (init?.headers as Record<string, string>).authorization;
    asked.push({ url: url.toString(), ...(auth ? { auth } : {}) });
    if (url.host === 'auth.example.com') return auth === `Basic ${Buffer.from('me:pw').toString('base64')}` ? json({ token: 'T1' }) : new Response('no', { status: 401 });
    if (auth !== 'Bearer T1')
      return new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="reg.example.com",scope="registry:catalog:*"' } });
    const page = Number(url.searchParams.get('last') ?? 0);
    const link: Record<string, string> = page + 1 < pages ? { link: `</v2/_catalog?n=1000&last=${page + 1}>; rel="next"` } : {};
    return json({ repositories: [`repo-${page}`] }, { headers: link });
  }) as typeof fetch;
  return { asked, fetchFn };
}

describe('the registry browser', () => {
  it('reads challenges and next links, and never follows a link to another host', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
    });
    expect(parseChallenge('Basic realm="berth-test"')).toEqual({ scheme: 'basic', params: { realm: 'berth-test' } });
    expect(parseChallenge('')).toEqual({ scheme: '', params: {} });
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(nextLink('<https://evil.example/v2/_catalog>; rel="next"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('gets a token with the login, follows the pages, and stops at ten with "more"', async () => {
    const r = tokenRegistry(12);
    const b = new RegistryBrowser(async () => ({ username: 'me', password: 'pw', serveraddress: 'reg.example.com' }), r.fetchFn);
    const listing = await b.catalog('reg.example.com');
    expect(listing).toEqual({ items: Array.from({ length: 10 }, (_, i) => `repo-${i}`), more: true });
    const tokenAsks = r.asked.filter((a) => a.url.startsWith('https://auth.example.com/'));
    expect(tokenAsks).toHaveLength(1); // kept for the next pages
    expect(tokenAsks[0]!.url).toBe('https://auth.example.com/token?service=reg.example.com&scope=registry%3Acatalog%3A*');
    expect(r.asked.filter((a) => a.url.startsWith('https://reg.example.com/')).every((a) => !a.auth?.startsWith('Basic'))).toBe(true); // the password only to the token service
  });

  it('says a login is needed, or was refused, in words', async () => {
    const none = new RegistryBrowser(async () => undefined, tokenRegistry(1).fetchFn);
    await expect(none.catalog('reg.example.com')).rejects.toMatchObject({ code: 'REGISTRY_AUTH', message: 'reg.example.com shows its repositories only after a login.' });
    const wrong = new RegistryBrowser(async () => ({ username: 'me', password: 'nope', serveraddress: 'reg.example.com' }), tokenRegistry(1).fetchFn);
    await expect(wrong.catalog('reg.example.com')).rejects.toMatchObject({ code: 'REGISTRY_AUTH', message: 'reg.example.com refused its repositories to me (HTTP 401).' });
  });

  it('refuses to send a login to a token service without TLS, and reads hostile answers as errors', async () => {
    const plain = (async () => new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example.com/token"' } })) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => ({ username: 'me', password: 'pw', serveraddress: 'r' }), plain).catalog('reg.example.com')).rejects.toThrow(
      'reg.example.com asks for the login to be sent to http://auth.example.com without TLS: Berth does not send it there.',
    );
    const html = (async () => new Response('<html>hi</html>', { status: 200 })) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => undefined, html).catalog('reg.example.com')).rejects.toThrow("reg.example.com answered with something that is not a registry's listing (not JSON).");
    const huge = (async () => new Response('x'.repeat(5 * 1024 * 1024), { status: 200 })) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => undefined, huge).tags('reg.example.com', 'a')).rejects.toThrow('more than 4 MiB');
    const weird = (async () => json({ repositories: 'no' })) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => undefined, weird).catalog('reg.example.com')).rejects.toThrow('reg.example.com answered without a list of repositories.');
    const nullTags = (async () => json({ name: 'a', tags: null })) as unknown as typeof fetch;
    expect(await new RegistryBrowser(async () => undefined, nullTags).tags('reg.example.com', 'a')).toEqual({ items: [], more: false });
  });

  it('asks Docker Hub at registry-1.docker.io, with library/ for an official image', async () => {
    const urls: string[] = [];
    const f = (async (u: string) => (urls.push(String(u)), json({ tags: ['b', 'a'] }))) as unknown as typeof fetch;
    expect(await new RegistryBrowser(async () => undefined, f).tags('index.docker.io', 'nginx')).toEqual({ items: ['a', 'b'], more: false });
    expect(urls).toEqual(['https://registry-1.docker.io/v2/library/nginx/tags/list?n=1000']);
  });

  it('says Docker Hub does not list its repositories, without asking it', async () => {
    const urls: string[] = [];
    const f = (async (u: string) => (urls.push(String(u)), new Response('', { status: 401 }))) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => ({ username: 'me', password: 'pw', serveraddress: 'docker.io' }), f).catalog('docker.io')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(urls).toEqual([]);
  });

  it('keeps a token per login: another user on the same registry gets its own', async () => {
    const r = tokenRegistry(1);
    let user = 'me';
    const b = new RegistryBrowser(async () => ({ username: user, password: 'pw', serveraddress: 'reg.example.com' }), r.fetchFn);
    await b.catalog('reg.example.com');
    user = 'other';
    await expect(b.catalog('reg.example.com')).rejects.toMatchObject({ code: 'REGISTRY_AUTH' }); // not me's token: asked again, and refused
    expect(r.asked.filter((a) => a.url.startsWith('https://auth.example.com/'))).toHaveLength(2);
  });

  it('stops when a next link names the page just read', async () => {
    let asks = 0;
    const f = (async () => (asks++, json({ repositories: ['a'] }, { headers: { link: '</v2/_catalog?n=1000>; rel="next"' } }))) as unknown as typeof fetch;
    expect(await new RegistryBrowser(async () => undefined, f).catalog('reg.example.com')).toEqual({ items: ['a'], more: false });
    expect(asks).toBe(1);
  });

  it('follows a redirect, with the login only on the same origin, and never to plain HTTP', async () => {
    const asked: { url: string; auth?: string }[] = [];
    const f = (async (input: string, init?: RequestInit) => {
      const url = new URL(input);
      const auth = (init?.headers as Record<string, string>).authorization;
      asked.push({ url: url.toString(), ...(auth ? { auth } : {}) });
      if (!auth && url.host === 'reg.example.com') return new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } });
      if (url.pathname === '/v2/a/tags/list') return new Response('', { status: 307, headers: { location: '/v2/b/tags/list' } });
      if (url.pathname === '/v2/b/tags/list') return new Response('', { status: 302, headers: { location: 'https://cdn.example.net/tags' } });
      if (url.host === 'cdn.example.net') return json({ tags: ['1'] });
      return new Response('', { status: 302, headers: { location: 'http://plain.example.net/x' } });
    }) as unknown as typeof fetch;
    const b = new RegistryBrowser(async () => ({ username: 'me', password: 'pw', serveraddress: 'reg.example.com' }), f);
    expect(await b.tags('reg.example.com', 'a')).toEqual({ items: ['1'], more: false });
    expect(asked.slice(1).map((a) => [a.url, !!a.auth])).toEqual([
      ['https://reg.example.com/v2/a/tags/list?n=1000', true],
      ['https://reg.example.com/v2/b/tags/list', true],
      ['https://cdn.example.net/tags', false],
    ]);
    await expect(b.tags('reg.example.com', 'c')).rejects.toThrow('reg.example.com redirects to http://plain.example.net without TLS: Berth does not follow.');
  });

  it('on loopback keeps only a scheme that answered as a registry, and asks again after one that did not', async () => {
    const urls: string[] = [];
    let up = false;
    const f = (async (u: string) => {
      urls.push(String(u));
      if (!up) return new Response('Client sent an HTTP request to an HTTPS server.', { status: 400 });
      return String(u).endsWith('/v2/') ? new Response('{}', { headers: { 'docker-distribution-api-version': 'registry/2.0' } }) : json({ repositories: ['x'] });
    }) as unknown as typeof fetch;
    const b = new RegistryBrowser(async () => undefined, f);
    await expect(b.catalog('127.0.0.1:5000')).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
    up = true;
    expect(await b.catalog('127.0.0.1:5000')).toEqual({ items: ['x'], more: false });
    expect(urls.filter((u) => u.endsWith('/v2/'))).toEqual(['http://127.0.0.1:5000/v2/', 'https://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/']);
  });

  it('a remote registry may not send Berth, or a login, to plain HTTP on this computer', async () => {
    const login = async () => ({ username: 'me', password: 'pw', serveraddress: 'reg.example.com' });
    const asked: string[] = [];
    const toLocal = (async (u: string) => (asked.push(String(u)), new Response('', { status: 302, headers: { location: 'http://127.0.0.1:8080/admin' } }))) as unknown as typeof fetch;
    await expect(new RegistryBrowser(login, toLocal).tags('reg.example.com', 'a')).rejects.toThrow('reg.example.com redirects to http://127.0.0.1:8080 without TLS: Berth does not follow.');
    const localRealm = (async (u: string) => (
      asked.push(String(u)),
      new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://127.0.0.1:8080/token"' } })
    )) as unknown as typeof fetch;
    await expect(new RegistryBrowser(login, localRealm).tags('reg.example.com', 'a')).rejects.toThrow('without TLS: Berth does not send it there.');
    expect(asked.every((u) => u.startsWith('https://reg.example.com/'))).toBe(true);
  });

  it('a body that stops coming is said in words', async () => {
    const stalled = (async () =>
      new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('{"tags":['));
            setTimeout(() => c.error(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), 5);
          },
        }),
      )) as unknown as typeof fetch;
    await expect(new RegistryBrowser(async () => undefined, stalled).tags('reg.example.com', 'a')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'reg.example.com stopped answering in the middle of a page (not all of it in 15 s).',
    });
  });

  it('on loopback, a TLS registry without the API version header is still asked over HTTPS', async () => {
    const urls: string[] = [];
    const f = (async (u: string) => {
      urls.push(String(u));
      if (String(u).startsWith('http://')) return new Response('Client sent an HTTP request to an HTTPS server.', { status: 400 });
      return String(u).endsWith('/v2/') ? new Response('{}') : json({ repositories: ['x'] });
    }) as unknown as typeof fetch;
    expect(await new RegistryBrowser(async () => undefined, f).catalog('localhost:5443')).toEqual({ items: ['x'], more: false });
    expect(urls.at(-1)).toBe('https://localhost:5443/v2/_catalog?n=1000');
  });
});
