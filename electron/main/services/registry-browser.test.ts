import { describe, expect, it } from 'vitest';
import { nextLink, parseChallenge, RegistryBrowser } from './registry-browser';

const json = (body: unknown, init: ResponseInit = {}) => new Response(JSON.stringify(body), { status: 200, ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

/** A fake registry at reg.example.com behind a token service: records what was asked, with which authorization. */
function tokenRegistry(pages: number) {
  const asked: { url: string; auth?: string }[] = [];
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const auth = (init?.headers as Record<string, string>).authorization;
    asked.push({ url: url.toString(), ...(auth ? { auth } : {}) });
    if (url.host === 'auth.example.com') return auth === `Basic ${Buffer.from('me:pw').toString('base64')}` ? json({ token: 'T1' }) : new Response('no', { status: 401 });
    if (auth !== 'Bearer T1') return new Response('{}', { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="reg.example.com",scope="registry:catalog:*"' } });
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
});
