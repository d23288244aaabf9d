/**
 * Hostile image references and run specs, through the router against the real engine: each is a
 * typed refusal in words, the process stays up, nothing is left in the engine (counted before and
 * after), and no connection ever leaves for anywhere but the engine's socket.
 */
import { connect, createServer as createTcpServer, Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ImagesService } from '../../electron/main/services/images';
import type { Core } from '../../electron/main/core';
import { connectedCore, engine, testCore, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { TEST_IMAGE } from '../support/test-image';
import { engineLike, FakeEngine } from '../support/fake-engine';

const docker = engine();
const t = connectedCore();

const list = (args: string[]) => docker.cli(args).split('\n').filter(Boolean).sort();
/** What the engine holds: every container, image, network and volume. */
const inventory = () => ({
  containers: list(['ps', '-aq', '--no-trunc']),
  images: list(['images', '-aq', '--no-trunc']),
  networks: list(['network', 'ls', '-q', '--no-trunc']),
  volumes: list(['volume', 'ls', '-q']),
});

/** Every connection this process opens while a test runs: none may go anywhere but the engine's socket. */
let connects: string[] = [];
const realConnect = Socket.prototype.connect;
beforeEach(() => {
  connects = [];
  vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
    const o = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { path?: string; host?: string; port?: number } | number | string;
    connects.push(typeof o === 'object' ? (o.path ?? `${o.host}:${o.port}`) : String(o));
    return (realConnect as (...a: unknown[]) => Socket).apply(this, args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const HOSTILE: [string, RegExp][] = [
  ['a//b', /empty part/],
  ['a/', /empty part/],
  ['/a', /empty part/],
  ['a:', /not a valid tag/],
  ['a@sha256:zz', /not a digest/],
  ['Busybox', /lowercase/],
  ['team/Web', /lowercase/],
  ['a'.repeat(256), /longer than 255/],
  ['a\0b', /control characters/],
  ['a b', /no spaces/],
  ['..', /not a valid name part/],
  ['a/../b', /not a valid name part/],
  ['a?b', /not a valid name part/],
  ['a#b', /not a valid name part/],
  ['a%2fb', /not a valid name part/],
  ['http://images/x', /not a valid registry address/],
  ['', /required/],
];

/** A stream through the router, to its end: the error it ended with, if any. */
async function streamError(core: Core, name: string, args: unknown) {
  const s = core.router.openStream(name, args, async () => undefined);
  return s.done;
}

describe('hostile image references', () => {
  let context: string;
  beforeEach(() => {
    context = mkdtempSync(join(tmpdir(), 'berth-hostile-build-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${TEST_IMAGE}\n`);
  });
  afterEach(() => rmSync(context, { recursive: true, force: true }));

  it('every call that takes a reference refuses each one in words; the engine is untouched', async () => {
    const before = inventory();
    for (const [ref, why] of HOSTILE) {
      const refused = { ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(why) } };
      const label = JSON.stringify(ref.slice(0, 40));
      expect(await t.call('images.inspect', { id: ref }), label).toMatchObject(refused);
      expect(await t.call('images.history', { id: ref }), label).toMatchObject(refused);
      expect(await t.call('images.remove', { ids: [ref] }), label).toMatchObject(refused);
      expect(await t.call('images.tag', { id: ref, tag: 'berth-hostile:1' }), label).toMatchObject(refused);
      expect(await t.call('images.tag', { id: TEST_IMAGE, tag: ref }), label).toMatchObject(refused);
      expect(await t.call('containers.run', { image: ref }), label).toMatchObject(ref ? refused : { ok: false, error: { code: 'INVALID_ARGUMENT' } });
      for (const [name, args] of [
        ['images.pull', { ref }],
        ['images.push', { ref }],
        ['images.save', { ids: [ref] }],
        ['images.build', { context, tags: [ref] }],
      ] as const) {
        expect(await streamError(t.core, name, args), `${name} ${label}`).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(why) });
      }
    }
    // Still alive and talking to the engine; nothing made, nothing lost; no connection but the engine's.
    expect(await t.call('containers.list')).toMatchObject({ ok: true });
    expect(t.core.engine.getStatus().state).toBe('up');
    expect(inventory()).toEqual(before);
    expect(connects.filter((c) => c !== docker.socket)).toEqual([]);
  });

  it("a reference that got past the contract meets a client that never follows the engine's redirect", async () => {
    // The service below the router, as an internal caller could reach it: the engine answers
    // `a//b` with a 301 to http://images/...; following it was a DNS lookup off the machine and a crash.
    const images = new ImagesService(t.core.engine.docker);
    const answers: string[] = [];
    for (const ref of ['a//b', 'a/', 'busybox//x', 'a/b//c']) {
      for (const [name, call] of [
        ['inspect', () => images.inspect(ref)],
        ['history', () => images.history(ref)],
        ['remove', () => images.remove([ref], false)],
      ] as const) {
        const result = await call().then(
          (v) => v,
          (e: unknown) => e,
        );
        const error = (Array.isArray(result) ? (result[0] as { error: unknown }).error : result) as { code: string; message: string };
        answers.push(`${name} ${ref}: ${error.code} ${error.message}`);
        // The engine either redirects (a typed error here) or refuses the name itself.
        expect(['ENGINE_ERROR', 'INVALID_ARGUMENT', 'NOT_FOUND'], `${name} ${ref}`).toContain(error.code);
      }
    }
    expect(answers).toContain('inspect a//b: ENGINE_ERROR The engine answered GET /images/a//b/json with a redirect, which Berth never follows.');
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.filter((c) => c !== docker.socket)).toEqual([]);
    expect(await t.call('images.list')).toMatchObject({ ok: true });
  });

  it('a raw 301 from an engine is a typed error and no connection leaves for its Location', async () => {
    // Answers what a connection needs, and a redirect to everything about images.
    const fake = await new FakeEngine(engineLike((_req, res) => void res.writeHead(301, { Location: 'http://images/x' }).end('Moved Permanently.\n'))).listen();
    const core = testCore(fake.dockerHost);
    try {
      await waitFor(() => core.engine.getStatus().state === 'up', 5000, 'fake engine up');
      for (const [method, args] of [
        ['images.inspect', { id: 'busybox' }],
        ['images.history', { id: 'busybox:1.36' }],
        ['images.list', {}],
      ] as const) {
        expect(await core.router.handle(method, args), method).toMatchObject({ ok: false, error: { code: 'ENGINE_ERROR', message: expect.stringMatching(/redirect, which Berth never follows/) } });
      }
      expect(await core.router.handle('images.remove', { ids: ['busybox'] })).toMatchObject({ ok: true, value: [{ ok: false, error: { code: 'ENGINE_ERROR' } }] });
      expect(connects.filter((c) => c !== fake.socketPath)).toEqual([]);
    } finally {
      core.dispose();
      await fake.close();
    }
  });
});

describe('hostile host addresses for a published port', () => {
  afterAll(() => {
    for (const id of list(['ps', '-aq', '--filter', 'label=berth-test=hostile-ip'])) docker.try(['rm', '-f', id]);
  });

  it.each([
    ['999.1.1.1', /999 is above 255/],
    ['1.2.3', /3 parts, not 4/],
    ['01.2.3.4', /leading zero/],
    ['::gg', /not an IPv6 address/],
    ['[::1]', /without brackets/],
    ['localhost', /not an IPv4 address/],
    ['', /not an IPv4 address/],
  ])('%j is refused in words and nothing is made', async (hostIp, why) => {
    const before = inventory();
    const name = uniq('hostile-ip');
    const reply = await t.call('containers.run', {
      image: TEST_IMAGE,
      name,
      labels: { 'berth-test': 'hostile-ip' },
      command: ['sleep', '600'],
      ports: [{ hostIp, hostPort: await freePort(), containerPort: 80 }],
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`ports\\.0\\.hostIp: .*${why.source}`)) } });
    expect(inventory()).toEqual(before);
  });

  it('publishes on ::1 as asked, and only there', async () => {
    const before = inventory();
    const name = uniq('v6-publish');
    const port = await freePort();
    const reply = await t.call('containers.run', {
      image: TEST_IMAGE,
      name,
      labels: { 'berth-test': 'hostile-ip' },
      entrypoint: ['/bin/sh', '-c'],
      command: ['mkdir -p /www && echo hello over v6 > /www/index.html && exec httpd -f -p 80 -h /www'],
      ports: [{ hostIp: '::1', hostPort: port, containerPort: 80 }],
    });
    try {
      expect(reply).toMatchObject({ ok: true, value: { name } });
      const c = JSON.parse(docker.cli(['inspect', name]))[0];
      expect(c.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '::1', HostPort: String(port) }] });
      expect(await get('::1', port)).toMatch(/hello over v6/);
      expect(await get('127.0.0.1', port).catch((e: Error) => e.message)).toMatch(/ECONNREFUSED/);
    } finally {
      docker.try(['rm', '-f', name]);
    }
    expect(inventory()).toEqual(before);
  });

  it.each(['tcp', 'udp'] as const)('a %s port taken on ::1 is refused before anything is made', async (protocol) => {
    const before = inventory();
    const port = await freePort();
    const holder = await new Promise<{ close(): void }>((resolve) => {
      if (protocol === 'udp') {
        const s = createSocket('udp6');
        s.bind(port, '::1', () => resolve(s));
      } else {
        const s = createTcpServer();
        s.listen(port, '::1', () => resolve(s));
      }
    });
    try {
      const reply = await t.call('containers.run', {
        image: TEST_IMAGE,
        labels: { 'berth-test': 'hostile-ip' },
        command: ['sleep', '600'],
        ports: [{ hostIp: '::1', hostPort: port, containerPort: 80, protocol }],
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: `Host port [::1]:${port}/${protocol} is already in use` } });
    } finally {
      holder.close();
    }
    expect(inventory()).toEqual(before);
  });
});

/** One HTTP GET of / over a raw socket (no agent, no DNS): the answer's text. */
function get(host: string, port: number): Promise<string> {
  return waitFor(
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        const s = connect({ host, port });
        let got = '';
        s.on('data', (d) => (got += d.toString()));
        s.on('end', () => resolve(got.includes('200 OK') ? got : undefined));
        s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' && host === '127.0.0.1' ? reject(e) : resolve(undefined)));
        s.write(`GET / HTTP/1.0\r\nHost: x\r\n\r\n`);
      }),
    10_000,
    `an answer on ${host}:${port}`,
  );
}
