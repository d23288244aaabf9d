/**
 * A cancel, or a client gone, while a stream is still starting (its engine request not answered
 * yet): over the real WebSocket, 500 times each, for a followed log and an upload. Every stream
 * ends, and no engine connection, open file or staged upload is left (counted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from '../../electron/main/api/router';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { UPLOAD_PIECE } from '../../electron/shared/transfer';
import { toBinaryFrame } from '../../electron/shared/wire';
import { connectedCore, engine, madeByFile, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';
import { collect, connect, openFds, privateStaging, stillAnswers } from './clients';

const ROUNDS = 500;
const t = connectedCore();
const { staged } = privateStaging();
const docker = engine();
const made = madeByFile();
let server: RunningServer;
let container = '';
let fdsBefore = 0;
/** Streams the router opened and has not ended yet. */
let running = 0;

const tracked = (): Router => ({
  handle: (m, a) => t.core.router.handle(m, a),
  openStream: (name, args, write) => {
    const s = t.core.router.openStream(name, args, write);
    running++;
    void s.done.then(() => running--);
    return s;
  },
});

beforeAll(async () => {
  container = uniq('adv-race');
  made.push(container);
  docker.cli(['run', '-d', '--name', container, TEST_IMAGE, 'sh', '-c', 'while true; do echo tick; sleep 0.01; done']);
  server = await startServer({ router: tracked(), hub: t.core.hub, staticDir: 'dist/renderer' });
  expect(await stillAnswers(server)).toBe(true);
  fdsBefore = openFds();
});
afterAll(() => server?.close());

const logArgs = () => ({ id: container, tail: 0, follow: true });
const uploadArgs = (i: number) => ({ id: container, dir: '/tmp', name: `race-${i}.bin`, size: 4 * UPLOAD_PIECE });
const piece = Buffer.alloc(UPLOAD_PIECE, 1);

/** Runs `fn(i)` for i in 0..n-1, `width` at a time. */
async function inParallel(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function nothingLeft(): Promise<void> {
  await waitFor(() => running === 0 || undefined, 20_000, `every stream to end (${running} still running)`);
  await waitFor(() => openFds() <= fdsBefore || undefined, 10_000, `engine connections and files to close (${openFds()} fds, ${fdsBefore} before)`);
  await waitFor(() => staged().length === 0 || undefined, 10_000, 'staged uploads to be removed');
  expect(docker.cli(['exec', container, 'sh', '-c', 'ls /tmp | grep -c race- || true'])).toBe('0'); // no cancelled upload reached the container
  expect(await stillAnswers(server)).toBe(true);
}

describe.each([
  ['a followed log', 'containers.logs', (_i: number) => logArgs(), false],
  ['an upload', 'containers.files.upload', uploadArgs, true],
] as const)('%s, cancelled while it starts', (_what, name, args, sendsBytes) => {
  it(`stream and cancel in the same tick, ${ROUNDS} times: every stream ends, nothing is left`, async () => {
    const ws = await connect(server);
    const got = collect(ws);
    for (let i = 1; i <= ROUNDS; i++) {
      ws.send(JSON.stringify({ t: 'stream', id: i, name, args: args(i) }));
      if (sendsBytes) ws.send(Buffer.from(toBinaryFrame({ t: 'input', id: i, data: piece })!), { binary: true });
      ws.send(JSON.stringify({ t: 'cancel', id: i }));
    }
    await waitFor(() => got.filter((m) => m.t === 'end').length === ROUNDS || undefined, 30_000, 'an end for every stream');
    expect(got.filter((m) => m.t === 'end' && m.error)).toEqual([]); // cancelled streams end quietly
    ws.terminate();
    await nothingLeft();
  });

  it(`the socket terminated 0-10 ms after the stream, ${ROUNDS} times: every stream ends, nothing is left`, async () => {
    await inParallel(ROUNDS, 20, async (i) => {
      const ws = await connect(server);
      ws.send(JSON.stringify({ t: 'stream', id: 1, name, args: args(i) }));
      if (sendsBytes) ws.send(Buffer.from(toBinaryFrame({ t: 'input', id: 1, data: piece })!), { binary: true });
      await new Promise((resolve) => setTimeout(resolve, i % 11));
      ws.terminate();
    });
    await nothingLeft();
  });
});
