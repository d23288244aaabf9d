/**
 * Browsing a real registry (Debian's docker-registry on 127.0.0.1): its repositories and tags,
 * open and behind a login; and registries that are not there, or are not registries, said in words.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedCore, engine, uniq } from '../support/engine';
import { freePort } from '../support/ports';
import { startRegistry, type Registry } from '../support/registry';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const ok = async (method: string, args?: unknown) => {
  const r = await t.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value;
};

/** Pushes the test image to `ref` and removes the local tag. */
function pushAs(ref: string): void {
  docker.cli(['tag', TEST_IMAGE, ref]);
  try {
    docker.cli(['push', '-q', ref]);
  } finally {
    docker.try(['rmi', ref]);
  }
}

describe('browsing a registry', () => {
  let open: Registry;
  let locked: Registry;
  const team = uniq('team');
  beforeAll(async () => {
    [open, locked] = await Promise.all([startRegistry(), startRegistry({ username: 'berth', password: 'browse-s3cret' })]);
    for (const ref of [`${open.address}/${team}/api:1.0`, `${open.address}/${team}/api:1.1`, `${open.address}/${team}/web:latest`]) pushAs(ref);
  });
  afterAll(async () => {
    await open?.stop();
    await locked?.stop();
  });

  it('lists the repositories and the tags, and says a repository that is not there', async () => {
    expect(await ok('registries.catalog', { server: open.address })).toEqual({ items: [`${team}/api`, `${team}/web`], more: false });
    expect(await ok('registries.tags', { server: open.address, repository: `${team}/api` })).toEqual({ items: ['1.0', '1.1'], more: false });
    expect(await t.call('registries.tags', { server: open.address, repository: `${team}/nope` })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: `${open.address} has no repository ${team}/nope.` },
    });
    // A name that could walk the API's paths never reaches the registry.
    for (const repository of ['../_catalog', 'a//b', 'A/B', 'a?x=1'])
      expect(await t.call('registries.tags', { server: open.address, repository })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('a registry behind a login: refused in words before it, listed after', async () => {
    const ref = `${locked.address}/private/app:2`;
    expect(await t.call('registries.catalog', { server: locked.address })).toMatchObject({
      ok: false,
      error: { code: 'REGISTRY_AUTH', message: `${locked.address} shows its repositories only after a login.` },
    });
    await ok('registries.login', { server: locked.address, username: 'berth', password: 'browse-s3cret' });
    docker.cli(['tag', TEST_IMAGE, ref]);
    try {
      expect(await t.core.router.openStream('images.push', { ref }, async () => undefined).done).toBeUndefined(); // with Berth's login
      expect(await ok('registries.catalog', { server: locked.address })).toEqual({ items: ['private/app'], more: false });
      expect(await ok('registries.tags', { server: locked.address, repository: 'private/app' })).toEqual({ items: ['2'], more: false });
    } finally {
      docker.try(['rmi', ref]);
      await ok('registries.logout', { server: locked.address });
    }
  });

  it('a registry that is not there, or not a registry, is said in words', async () => {
    const port = await freePort();
    expect(await t.call('registries.catalog', { server: `127.0.0.1:${port}` })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: `The registry 127.0.0.1:${port} cannot be reached from this computer (ECONNREFUSED).` },
    });
    // A web page where the listing should be; a listing that never ends (read no further than 4 MiB).
    let endlessSent = 0;
    const web: Server = createServer((req, res) => {
      if (req.url?.startsWith('/v2/_catalog')) return res.end('<html>a web page</html>');
      if (!req.url?.startsWith('/v2/endless/')) return res.end('{}');
      const piece = Buffer.alloc(1024 * 1024, 0x20);
      const more = () => {
        while (!res.destroyed && endlessSent < 1024 * piece.length && res.write(piece)) endlessSent += piece.length;
      };
      res.on('drain', more);
      more();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      const addr = `127.0.0.1:${(web.address() as AddressInfo).port}`;
      expect(await t.call('registries.catalog', { server: addr })).toMatchObject({ ok: false, error: { message: `${addr} answered with something that is not a registry's listing (not JSON).` } });
      expect(await t.call('registries.tags', { server: addr, repository: 'endless' })).toMatchObject({
        ok: false,
        error: { message: `${addr} answered with more than 4 MiB for one page: not a registry's listing.` },
      });
      expect(endlessSent).toBeLessThan(64 * 1024 * 1024); // it stopped reading: the server was held back, not drained to 1 GiB
    } finally {
      web.close();
    }
  });
});
