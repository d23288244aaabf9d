/**
 * Hostile WebSocket frames against the browser-mode server: junk text and binary, unknown ids,
 * deep nesting, frames at and over the size limit, a router that throws. Each gets a typed reply
 * (or is ignored), the server keeps answering, and no socket, file or staged upload is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { Router } from '../../electron/main/api/router';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { UPLOAD_PIECE } from '../../electron/shared/transfer';
import { MAX_REQUEST_BYTES, toBinaryFrame } from '../../electron/shared/wire';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';
import { collect, connect, openFds, privateStaging, stillAnswers, type Message } from './clients';

const t = connectedCore();
const { staged } = privateStaging();
const docker = engine();
let server: RunningServer;
let fdsBefore = 0;
let ws: WebSocket;
let got: Message[];

/** The real router, but for two test names that throw at once (a handler with a bug). */
const throwing = (): Router => ({
  handle: (method, args) => {
    if (method === 'test.throws') throw new Error('a handler bug');
    return t.core.router.handle(method, args);
  },
  openStream: (name, args, write) => {
    if (name === 'test.throws') throw new Error('a stream bug');
    return t.core.router.openStream(name, args, write);
  },
});

beforeAll(async () => {
  server = await startServer({ router: throwing(), hub: t.core.hub, staticDir: 'dist/renderer' });
  expect(await stillAnswers(server)).toBe(true);
  fdsBefore = openFds();
});
afterAll(() => server?.close());

async function fresh(): Promise<void> {
  ws = await connect(server);
  got = collect(ws);
}
/** Sends a request last and waits for its reply: everything sent before it has been handled. */
async function settle(id = 9999): Promise<void> {
  ws.send(JSON.stringify({ t: 'req', id, method: 'engine.status' }));
  await waitFor(() => got.some((m) => m.t === 'res' && m.id === id) || undefined, 5000, 'the marker reply');
}
const malformed = () => got.filter((m) => m.t === 'res' && m.id === -1 && m.error?.code === 'INVALID_ARGUMENT');
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

async function nothingLeft(): Promise<void> {
  ws?.terminate();
  expect(await stillAnswers(server)).toBe(true);
  await waitFor(() => openFds() <= fdsBefore || undefined, 5000, 'sockets and files to close');
  await waitFor(() => staged().length === 0 || undefined, 5000, 'staged uploads to be removed');
}

describe('hostile WebSocket frames', () => {
  it('junk text and wrong shapes: one typed error each, and the socket goes on', async () => {
    await fresh();
    const junk = [
      'not json',
      '',
      'null',
      '42',
      '"req"',
      '[]',
      '{}',
      '{"t":"req"}',
      '{"t":"req","id":"1","method":"engine.status"}',
      '{"t":"res","id":1}',
      '{"t":"chunk","id":1,"data":"x"}',
      `{"t":"req","id":${2 ** 53}}`,
      '{"t":"req","id":-5}',
      '\u0000\u0001',
    ];
    for (const j of junk) ws.send(j);
    await settle();
    expect(malformed()).toHaveLength(junk.length);
    await nothingLeft();
  });

  it('binary junk: typed errors; bytes for a stream that is not open are dropped', async () => {
    await fresh();
    const frames = [
      Buffer.alloc(0),
      Buffer.from([2]),
      Buffer.from([2, 0, 0, 0]),
      Buffer.from([0, 0, 0, 0, 1]),
      Buffer.from([3, 0, 0, 0, 1, 9]),
      Buffer.from([255, 1, 2, 3, 4, 5]),
      Buffer.from(toBinaryFrame({ t: 'chunk', id: 1, data: new Uint8Array(10) })!),
    ];
    for (const f of frames) ws.send(f, { binary: true });
    for (let i = 0; i < 20; i++) ws.send(Buffer.from(toBinaryFrame({ t: 'input', id: 4000 + i, data: new Uint8Array(1000).fill(i) })!), { binary: true });
    await settle();
    expect(malformed()).toHaveLength(frames.length);
    expect(got.filter((m) => m.t === 'res' && m.id !== 9999)).toHaveLength(frames.length); // the 20 inputs to no stream: ignored
    await nothingLeft();
  });

  it('unknown ids and names: cancel and input are ignored, unknown calls and streams end typed', async () => {
    await fresh();
    ws.send(JSON.stringify({ t: 'cancel', id: 12345 }));
    ws.send(JSON.stringify({ t: 'input', id: 12345, data: { data: 'ls' } }));
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'no.such.call' }));
    ws.send(JSON.stringify({ t: 'req', id: 2, method: '__proto__' }));
    ws.send(JSON.stringify({ t: 'stream', id: 3, name: 'no.such.stream' }));
    ws.send(JSON.stringify({ t: 'stream', id: 4, name: 'containers.logs', args: { id: 'no-such-container-anywhere' } }));
    await settle();
    await waitFor(() => got.filter((m) => m.t === 'end').length === 2 || undefined, 5000, 'both streams to end');
    expect(got.find((m) => m.id === 1)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(got.find((m) => m.id === 2)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(got.find((m) => m.t === 'end' && m.id === 3)).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
    expect(got.find((m) => m.t === 'end' && m.id === 4)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(malformed()).toEqual([]);
    await nothingLeft();
  });

  it('JSON nested 200,000 deep, as the message, the arguments or a stream input: typed errors', async () => {
    await fresh();
    const name = uniq('adv-deep');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'while true; do echo x; sleep 1; done']);
    ws.send(deep(200_000));
    ws.send(`{"t":"req","id":1,"method":"volumes.remove","args":{"names":${deep(150_000)}}}`);
    ws.send(`{"t":"req","id":2,"method":${deep(150_000)}}`);
    ws.send(`{"t":"stream","id":3,"name":"containers.logs","args":${deep(150_000)}}`);
    ws.send(JSON.stringify({ t: 'stream', id: 4, name: 'containers.logs', args: { id: name, tail: 0 } }));
    ws.send(`{"t":"input","id":4,"data":${deep(150_000)}}`);
    ws.send(JSON.stringify({ t: 'cancel', id: 4 }));
    await settle();
    await waitFor(() => got.filter((m) => m.t === 'end').length === 2 || undefined, 5000, 'both streams to end');
    expect(got.find((m) => m.id === 1)).toMatchObject({ ok: false, error: { code: expect.stringMatching(/INVALID_ARGUMENT|INTERNAL/) } });
    expect(got.find((m) => m.id === 2)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(got.find((m) => m.t === 'end' && m.id === 3)).toMatchObject({ error: { code: expect.stringMatching(/INVALID_ARGUMENT|INTERNAL/) } });
    expect(got.find((m) => m.t === 'end' && m.id === 4)).toEqual({ t: 'end', id: 4 });
    expect(malformed()).toHaveLength(2); // the bare array, and the input the logs stream does not take
    await nothingLeft();
  });

  it('a handler that throws at once: an INTERNAL reply, an INTERNAL end, and the socket goes on', async () => {
    await fresh();
    ws.send(JSON.stringify({ t: 'req', id: 1, method: 'test.throws' }));
    ws.send(JSON.stringify({ t: 'stream', id: 2, name: 'test.throws' }));
    await settle();
    expect(got.find((m) => m.t === 'res' && m.id === 1)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(got.find((m) => m.t === 'end' && m.id === 2)).toMatchObject({ error: { code: 'INTERNAL' } });
    await nothingLeft();
  });
});

describe('the size limit', () => {
  it('the biggest piece a client sends goes through; a frame of exactly MAX_REQUEST_BYTES is read; one byte more drops that client', async () => {
    const name = uniq('adv-limit');
    docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
    await fresh();
    // an upload of one full piece, in one binary frame
    const piece = Buffer.alloc(UPLOAD_PIECE, 7);
    ws.send(JSON.stringify({ t: 'stream', id: 1, name: 'containers.files.upload', args: { id: name, dir: '/tmp', name: 'piece.bin', size: UPLOAD_PIECE } }));
    ws.send(Buffer.from(toBinaryFrame({ t: 'input', id: 1, data: piece })!), { binary: true });
    await waitFor(() => got.some((m) => m.t === 'end' && m.id === 1) || undefined, 10_000, 'the upload to end');
    expect(got.find((m) => m.t === 'end' && m.id === 1)).toEqual({ t: 'end', id: 1 });
    expect(docker.cli(['exec', name, 'stat', '-c', '%s', '/tmp/piece.bin'])).toBe(String(UPLOAD_PIECE));

    // a binary frame of exactly the limit: read, and refused by the stream's schema in words
    ws.send(JSON.stringify({ t: 'stream', id: 2, name: 'containers.files.upload', args: { id: name, dir: '/tmp', name: 'big.bin', size: MAX_REQUEST_BYTES } }));
    ws.send(Buffer.from(toBinaryFrame({ t: 'input', id: 2, data: new Uint8Array(MAX_REQUEST_BYTES - 5) })!), { binary: true });
    // a text frame of exactly the limit: read, and answered
    const pad = 'x'.repeat(MAX_REQUEST_BYTES - JSON.stringify({ t: 'req', id: 3, method: 'engine.status', args: { pad: '' } }).length);
    const exact = JSON.stringify({ t: 'req', id: 3, method: 'engine.status', args: { pad } });
    expect(Buffer.byteLength(exact)).toBe(MAX_REQUEST_BYTES);
    ws.send(exact);
    await waitFor(() => got.some((m) => m.t === 'res' && m.id === 3) || undefined, 5000, 'the reply to the biggest message');
    expect(got.find((m) => m.t === 'res' && m.id === 3)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(malformed().map((m) => m.error!.message)).toEqual([expect.stringMatching(/Stream input: .*at most 262144 bytes/)]);
    ws.send(JSON.stringify({ t: 'cancel', id: 2 }));

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(`${exact}x`);
    expect(await closed).toBe(1009);
    await nothingLeft();
  });
});
