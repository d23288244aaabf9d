/**
 * A client that sends and never reads: 3,000 requests whose replies are ~40 KB each (120 MB if
 * all were kept). The server stops reading that client once its backlog is over the bound, so its
 * memory stays bounded, it still answers everyone else, and the client gets every reply once it
 * reads again.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { startServer, type RunningServer } from '../../electron/main/server/server';
import { connectedCore, engine, madeByFile, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';
import { connect, openFds, stillAnswers } from './clients';

const REQUESTS = 3000;
const t = connectedCore();
const docker = engine();
const made = madeByFile();
let server: RunningServer;
let handled = 0;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** What the server holds: the JS heap and the buffers outside it, after a full collection. */
const held = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const MB = 1024 * 1024;

beforeAll(async () => {
  server = await startServer({
    router: { handle: (m, a) => (handled++, t.core.router.handle(m, a)), openStream: (n, a, w) => t.core.router.openStream(n, a, w) },
    hub: t.core.hub,
    staticDir: 'dist/renderer',
  });
});
afterAll(() => server?.close());

/** Resolves once `read()` has not changed for `quiet` polls in a row. */
async function settled(read: () => number, quiet = 10): Promise<number> {
  let last = -1;
  let same = 0;
  while (same < quiet) {
    await new Promise((r) => setTimeout(r, 100));
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

describe('a client that never reads its replies', () => {
  it(`${REQUESTS} unread replies: bounded memory, others still answered, the client paused and served once it reads`, async () => {
    // a container whose inspect is ~40 KB (300 variables of 120 characters)
    const envFile = join(tempDir('adv-env'), 'big.env');
    writeFileSync(envFile, Array.from({ length: 300 }, (_, i) => `VAR_${i}=${'v'.repeat(120)}`).join('\n'));
    const name = uniq('adv-slow');
    made.push(name);
    docker.cli(['create', '--name', name, '--env-file', envFile, TEST_IMAGE]);
    const fdsBefore = openFds();
    const before = held();

    const ws: WebSocket = await connect(server);
    let replies = 0;
    let bytes = 0;
    ws.on('message', (d) => {
      if (!(d as Buffer).subarray(0, 10).equals(Buffer.from('{"t":"res"'))) return; // a push
      replies++;
      bytes += (d as Buffer).length;
    });
    ws.pause(); // never reads
    for (let id = 1; id <= REQUESTS; id++) ws.send(JSON.stringify({ t: 'req', id, method: 'containers.inspect', args: { id: name } }));

    const answered = await settled(() => handled);
    const growth = held() - before;
    console.log(`[figure] never-reading client: ${answered} of ${REQUESTS} requests handled, memory +${(growth / MB).toFixed(1)} MB`);
    expect(answered).toBeLessThan(REQUESTS / 2); // it stopped reading that client
    expect(growth).toBeLessThan(40 * MB); // all replies kept would be ~120 MB
    expect(await stillAnswers(server)).toBe(true);

    ws.resume(); // now it reads: every reply comes, none was dropped
    await waitFor(() => replies === REQUESTS || undefined, 30_000, `all ${REQUESTS} replies`);
    expect(handled).toBeGreaterThanOrEqual(REQUESTS);
    expect(bytes).toBeGreaterThan(REQUESTS * 30_000);
    ws.terminate();
    await waitFor(() => openFds() <= fdsBefore || undefined, 5000, 'the sockets to close');
  });
});
