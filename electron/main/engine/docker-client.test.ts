import { Socket } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BerthError } from '../../shared/errors';
import { FakeEngine } from '../../../test/support/fake-engine';
import { deadlineFor, DEFAULT_DEADLINES, DockerClient, type EngineWatch } from './docker-client';

const watch = (over: Partial<EngineWatch> = {}): EngineWatch => ({ refusal: () => undefined, slow: () => undefined, ...over });

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let engine: FakeEngine | undefined;
let connects: unknown[][];
const realConnect = Socket.prototype.connect;

beforeEach(() => {
  connects = [];
  // Every connection this process opens, to show none leaves for the redirect's host.
  vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
    connects.push(args);
    return (realConnect as (...a: unknown[]) => Socket).apply(this, args);
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await engine?.close();
  engine = undefined;
});

const connectedTo = (args: unknown[]) => {
  const first = args[0] as { path?: string; host?: string } | unknown[];
  const o = (Array.isArray(first) ? first[0] : first) as { path?: string; host?: string };
  return o.path ?? o.host;
};

describe('DockerClient: redirects', () => {
  it('never follows a 3xx: a typed error, no connection to the Location, the socket freed', async () => {
    engine = new FakeEngine((_req, res) => {
      res.writeHead(301, { Location: 'http://images/x', 'Content-Type': 'text/html' });
      res.end('<a href="http://images/x">Moved Permanently</a>.\n');
    });
    await engine.listen();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    const calls: [string, () => Promise<unknown>][] = [
      ['inspect', () => docker.getImage('a//b').inspect()],
      ['history', () => docker.getImage('a/').history()],
      ['remove', () => docker.getImage('a//b').remove()],
      ['events (a stream)', () => docker.getEvents()],
    ];
    for (const [name, call] of calls) {
      const e = await call().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e, name).toBeInstanceOf(BerthError);
      expect(e, name).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/redirect, which Berth never follows/) });
    }
    expect(engine.requests).toHaveLength(calls.length);
    expect(connects.length).toBe(calls.length);
    for (const c of connects) expect(connectedTo(c)).toBe(engine.socketPath);
    await until(() => engine!.open === 0);
  });

  it('a 3xx without a Location is a typed error too', async () => {
    engine = new FakeEngine((_req, res) => {
      res.writeHead(302);
      res.end();
    });
    await engine.listen();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    await expect(docker.listContainers()).rejects.toMatchObject({ statusCode: 302 });
  });
});

describe('DockerClient: deadlines and the watchdog', () => {
  const hung = () => new FakeEngine(() => undefined); // takes every request, answers none

  it('a plain call that gets no answer asks for a check, then fails with ENGINE_TIMEOUT at its deadline', async () => {
    engine = hung();
    await engine.listen();
    const slow = vi.fn();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch({ slow }), { slowMs: 50, callMs: 300 });
    const e = await docker.listContainers().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: 'ENGINE_TIMEOUT', message: 'The engine did not answer GET /containers/json within 0.3 s.' });
    expect(slow).toHaveBeenCalledTimes(1);
    await until(() => engine!.open === 0); // the request was ended, not left hanging
  });

  it('a stream meant to last has a deadline for its start only', async () => {
    engine = new FakeEngine((req, res) => {
      if (req.url?.startsWith('/events')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(''); // headers now, then silence: an engine with nothing to report
        res.flushHeaders();
      }
    });
    await engine.listen();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch(), { quickMs: 200, startMs: 200 });
    const events = (await docker.getEvents()) as unknown as Readable;
    await new Promise((r) => setTimeout(r, 400)); // twice the start deadline: still open
    expect(events.destroyed).toBe(false);
    events.destroy();
    // A log stream whose headers never come fails at the start deadline.
    await expect(docker.getContainer('c1').logs({ follow: true, stdout: true })).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT' });
  });

  it('while the engine is known not to answer, calls fail at once and the waiting ones are failed; the ping still goes', async () => {
    engine = hung();
    await engine.listen();
    let refusal: BerthError | undefined;
    const client = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch({ refusal: () => refusal }), { quickMs: 200 });
    const waiting = client.docker.listImages().then(
      () => undefined,
      (err: unknown) => err,
    );
    await until(() => engine!.requests.length === 1);
    refusal = new BerthError('ENGINE_TIMEOUT', 'The engine at unix:///x is not answering.');
    client.failWaiting(refusal);
    expect(await waiting).toBe(refusal);
    await expect(client.docker.listVolumes()).rejects.toBe(refusal);
    expect(engine.requests).toHaveLength(1); // refused without asking the engine
    await expect(client.docker.ping()).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT', message: expect.stringMatching(/GET \/_ping within 0.2 s/) });
    expect(engine.requests).toHaveLength(2);
  });

  it('a hung engine fails the waiting quick calls only: a long call and a load keep waiting', async () => {
    engine = hung();
    await engine.listen();
    const client = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    const settled: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => void settled.push(`${name}: answered`),
        (e: { code?: string }) => void settled.push(`${name}: ${e.code ?? 'failed'}`),
      );
    const tar = new PassThrough();
    tar.write(Buffer.alloc(64 * 1024)); // a body on its way: the engine has not read it all yet
    const calls = [track('list', client.docker.listImages()), track('prune', client.docker.pruneVolumes()), track('load', client.docker.loadImage(tar))];
    await until(() => engine!.requests.length === 3);
    client.failWaiting(new BerthError('ENGINE_TIMEOUT', 'The engine at unix:///x is not answering.'));
    await calls[0];
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toEqual(['list: ENGINE_TIMEOUT']);
    await engine.close(); // the engine going away is what ends the other two
    engine = undefined;
    await Promise.all(calls);
    expect(settled).toHaveLength(3);
    tar.destroy();
    client.dispose();
  });

  it('classes calls by what they do', () => {
    const d = DEFAULT_DEADLINES;
    expect(deadlineFor({ method: 'GET', path: '/_ping?' }, d)).toBe(d.quickMs);
    expect(deadlineFor({ method: 'GET', path: '/events?', isStream: true }, d)).toBe(d.quickMs);
    expect(deadlineFor({ method: 'GET', path: '/containers/json?' }, d)).toBe(d.callMs);
    expect(deadlineFor({ method: 'POST', path: '/containers/abc/stop?' }, d)).toBe(d.longMs);
    expect(deadlineFor({ method: 'POST', path: '/volumes/prune?' }, d)).toBe(d.longMs);
    expect(deadlineFor({ method: 'DELETE', path: '/images/busybox?' }, d)).toBe(d.longMs);
    expect(deadlineFor({ method: 'GET', path: '/containers/abc/logs?', isStream: true }, d)).toBe(d.startMs);
    expect(deadlineFor({ method: 'POST', path: '/exec/abc/start', hijack: true }, d)).toBe(d.startMs);
    expect(deadlineFor({ method: 'POST', path: '/containers/abc/wait?' }, d)).toBeUndefined();
    expect(deadlineFor({ method: 'POST', path: '/images/load?', isStream: true, file: process.stdin }, d)).toBeUndefined();
  });
});

describe('DockerClient: broken answers', () => {
  it('an answer that is not JSON is a typed error; the ping and empty answers are fine', async () => {
    engine = new FakeEngine((req, res) => {
      const answers: Record<string, [number, string]> = {
        'GET /containers/c1/json': [200, '{"Id": "c1", "State": {'],
        'GET /containers/json?all=true': [200, 'hello, not json'],
        'GET /_ping': [200, 'OK'],
        'POST /containers/c1/start': [204, ''],
        'GET /volumes': [200, 'null'],
      };
      const [status, body] = answers[`${req.method} ${req.url}`] ?? [404, '{"message":"no such thing"}'];
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    await engine.listen();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    await expect(docker.getContainer('c1').inspect()).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/answer to GET \/containers\/c1\/json is not JSON/) });
    await expect(docker.listContainers({ all: true })).rejects.toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/not JSON: "hello, not json"/) });
    expect(String(await docker.ping())).toBe('OK');
    await expect(docker.getContainer('c1').start()).resolves.toBeDefined();
    await expect(docker.listVolumes()).resolves.toBeDefined();
  });

  it('a stream or hijacked socket the engine breaks never raises an unhandled error', async () => {
    engine = new FakeEngine((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":"start"}\n');
      setTimeout(() => res.socket?.destroy(), 20); // mid-body: the client's response is aborted
    });
    engine.server.on('upgrade', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      setTimeout(() => socket.destroy(), 20);
    });
    await engine.listen();
    const { docker } = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Nobody listens for 'error' on either: without the guard, these errors would end the process.
    const events = (await docker.getEvents()) as unknown as Readable;
    const eventsClosed = new Promise((r) => events.once('close', r));
    events.resume();
    const socket = (await docker.getExec('e1').start({ hijack: true, stdin: true })) as unknown as Socket;
    const socketClosed = new Promise((r) => socket.once('close', r));
    socket.resume();
    await new Promise((r) => socket.once('end', r));
    socket.write('typed after the engine hung up'); // write after end: an 'error' event
    await Promise.all([eventsClosed, socketClosed]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/engine stream of GET \/events failed: aborted/));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/engine stream of POST \/exec\/e1\/start failed/));
  });
});

describe('DockerClient: a socket per call, ended with it', () => {
  it("a given-up call's socket is destroyed, and its late answer reaches no other call", async () => {
    engine = new FakeEngine((req, res) => {
      const answer = (body: string) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      if (req.url?.startsWith('/containers/json')) return void setTimeout(() => answer('[{"Id": "late"}]'), 400); // after its deadline
      answer('[]');
    });
    await engine.listen();
    const client = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch(), { callMs: 200 });
    try {
      for (let i = 0; i < 5; i++) expect(await client.docker.listImages()).toEqual([]);
      await until(() => engine!.open === 0); // each call's socket ends with it
      await expect(client.docker.listContainers()).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT' });
      await until(() => engine!.open === 0); // given up: its socket is gone
      await new Promise((r) => setTimeout(r, 300)); // the late answer is due now: it must reach no other call
      expect(await client.docker.listImages()).toEqual([]);
      expect(engine.requests.filter((r) => r.startsWith('GET /images/json'))).toHaveLength(6);
    } finally {
      client.dispose();
    }
  });

  it("a caller's cancel of a stream destroys its socket", async () => {
    engine = new FakeEngine((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url?.startsWith('/events')) return void res.write('{"status":"start"}\n'); // a stream that goes on
      res.end('[]');
    });
    await engine.listen();
    const client = new DockerClient({ kind: 'unix', socketPath: engine.socketPath }, watch());
    try {
      const cancel = new AbortController();
      const events = (await client.docker.getEvents({ abortSignal: cancel.signal })) as unknown as Readable;
      events.on('error', () => undefined);
      events.resume();
      cancel.abort();
      await until(() => engine!.open === 0);
      expect(await client.docker.listImages()).toEqual([]);
    } finally {
      client.dispose();
    }
  });
});

describe('a tcp engine over TLS', () => {
  it('TLS files gone since they were listed: every call, the ping too, fails at once naming the file, and no socket is opened', async () => {
    const client = new DockerClient({ kind: 'tcp', host: '127.0.0.1', port: 2376, tls: { verify: true, dir: '/nonexistent', ca: '/nonexistent/ca.pem' } }, watch());
    for (const call of [() => client.docker.ping(), () => client.docker.listContainers()])
      await expect(call()).rejects.toMatchObject({
        code: 'ENGINE_UNREACHABLE',
        message: "Berth cannot reach tcp://127.0.0.1:2376 over TLS: The CA certificate /nonexistent/ca.pem does not exist: it is the CA the engine's certificate is verified against.",
      });
    expect(connects).toEqual([]);
  });
});
