import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/models';
import { engineLike, FakeEngine } from '../../../test/support/fake-engine';
import { EventHub } from '../event-hub';
import { EngineConnection } from './engine-connection';
import { productOf } from './product';

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

let engine: FakeEngine | undefined;
let conn: EngineConnection | undefined;
afterEach(async () => {
  conn?.dispose();
  conn = undefined;
  await engine?.close();
  engine = undefined;
});

/** A connection with short deadlines (a ping gets 150 ms unless told; a call waiting 50 ms asks for one), and every status it reports. */
async function connect(fake: FakeEngine, pingTimeoutMs = 150) {
  const hub = new EventHub();
  const statuses: EngineStatus[] = [];
  hub.on((name, payload) => name === 'engine:status' && statuses.push(payload as EngineStatus));
  conn = new EngineConnection({ kind: 'unix', socketPath: fake.socketPath }, hub, { pingTimeoutMs, retryMinMs: 20, deadlines: { slowMs: 50 } });
  conn.start();
  await until(() => conn!.getStatus().state === 'up');
  return { conn, statuses };
}

describe('a slow engine is not a hung one', () => {
  it('one missed ping changes nothing: the waiting call gets its answer, the engine stays up', async () => {
    let pings = 0;
    engine = await new FakeEngine((req, res) => {
      if (req.url?.startsWith('/_ping') && ++pings === 2) return; // the watchdog's first ping: never answered
      if (req.url?.startsWith('/containers/json')) return void setTimeout(() => json(res, [{ Id: 'busy' }]), 2500);
      engineLike(() => json(res, {}))(req, res);
    }).listen();
    // A ping gets 1 s here: on a loaded machine an answered ping can take longer than 150 ms, and
    // two late ones in a row would be (rightly) "not answering".
    const { conn, statuses } = await connect(engine, 1000);
    expect(await conn.docker.listContainers()).toEqual([{ Id: 'busy' }]);
    expect(pings).toBeGreaterThanOrEqual(3); // the missed one, then one answered
    expect(statuses.filter((s) => s.notAnswering)).toEqual([]);
    expect(conn.getStatus().state).toBe('up');
  });
});

describe('a hung engine', () => {
  it('two missed pings: not answering, the quick call fails; a prune and a load keep waiting and finish once it answers', async () => {
    let hanging = false;
    const held: Array<[IncomingMessage, ServerResponse]> = [];
    const answer = engineLike((req, res) => {
      if (req.url?.startsWith('/images/load')) {
        req.resume();
        return void req.on('end', () => json(res, { stream: 'Loaded image: big:1' }));
      }
      if (req.url?.startsWith('/volumes/prune')) return json(res, { VolumesDeleted: [], SpaceReclaimed: 0 });
      json(res, []);
    });
    engine = await new FakeEngine((req, res) => (hanging ? void held.push([req, res]) : answer(req, res))).listen();
    const { conn, statuses } = await connect(engine);

    hanging = true;
    const settled: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => void settled.push(`${name}: answered`),
        (e: { code?: string }) => void settled.push(`${name}: ${e.code ?? 'failed'}`),
      );
    const tar = new PassThrough();
    tar.end(Buffer.alloc(256 * 1024));
    let loaded = '';
    const calls = [
      track('list', conn.docker.listImages()),
      track('prune', conn.docker.pruneVolumes()),
      track(
        'load',
        conn.docker.loadImage(tar).then(async (s) => {
          for await (const chunk of s as unknown as Readable) loaded += String(chunk);
        }),
      ),
    ];
    await calls[0];
    expect(settled).toEqual(['list: ENGINE_TIMEOUT']);
    expect(conn.getStatus()).toMatchObject({ state: 'unreachable', notAnswering: true, reason: expect.stringMatching(/^no answer to 2 pings in a row, each given 0.15 s/) });
    await expect(conn.docker.listVolumes()).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT', message: expect.stringMatching(/is not answering/) });

    hanging = false;
    for (const [req, res] of held.splice(0)) if (!res.socket?.destroyed) answer(req, res); // the engine goes on
    await until(() => conn.getStatus().state === 'up');
    await Promise.all(calls);
    expect(settled.sort()).toEqual(['list: ENGINE_TIMEOUT', 'load: answered', 'prune: answered']);
    expect(loaded).toMatch(/Loaded image: big:1/);
    expect(statuses.filter((s) => s.notAnswering).length).toBeGreaterThan(0);
  });
});

describe('retry (the banner button)', () => {
  it('on an engine that is up answers up and marks nothing down; on one that is gone, looks again and says so', async () => {
    engine = await new FakeEngine(engineLike(() => undefined)).listen();
    const { conn, statuses } = await connect(engine);
    const before = statuses.length;
    expect(await conn.retry()).toMatchObject({ state: 'up' });
    expect(statuses.slice(before).map((s) => s.state)).toEqual([]);
    await engine.close();
    engine = undefined;
    await until(() => conn.getStatus().state === 'unreachable');
    expect(await conn.retry()).toMatchObject({ state: 'unreachable' });
  });
});

describe('an engine known to be absent (the Berth VM, stopped)', () => {
  it('is not retried while held, so an idle Berth does nothing; a nudge looks again', async () => {
    let pings = 0;
    engine = await new FakeEngine((req, res) => {
      if (req.url?.startsWith('/_ping')) pings++;
      res.writeHead(500).end('{"message":"not yet"}');
    }).listen();
    let held = true;
    conn = new EngineConnection({ kind: 'unix', socketPath: engine.socketPath }, new EventHub(), { retryMinMs: 20, retryMaxMs: 20, holdRetries: () => held });
    conn.start();
    await until(() => conn!.getStatus().state === 'unreachable');
    await new Promise((r) => setTimeout(r, 300)); // 15 retries' time, were it retrying
    expect(pings).toBe(1);
    held = false;
    conn.nudge();
    await until(() => pings >= 3); // looked again, and retries once more as it is not held now
  });
});

describe('which engine answers', () => {
  it("tells Podman's service by its /version Components, anything else is Docker", () => {
    expect(productOf({ Components: [{ Name: 'Podman Engine' }, { Name: 'Conmon' }] })).toBe('podman');
    expect(productOf({ Components: [{ Name: 'Engine' }, { Name: 'containerd' }] })).toBe('docker');
    expect(productOf({})).toBe('docker');
  });
});
