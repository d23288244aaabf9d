/**
 * A compose pull cancelled mid-way, as the user does it: the project's pull started as a job (the
 * renderer's compose store, over an API session to the core) from a real registry (Debian's
 * docker-registry) behind a proxy of this test's that stalls the image's layer after its first
 * 64 KB. Cancelled while stalled: the job says cancelled, Compose and its children end, the engine
 * lets go of the download, the image is not there (nor anything half of it); un-stalled, a second
 * pull succeeds.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSession } from '../../electron/main/api/session';
import type { ServerMessage } from '../../electron/shared/wire';
import { connectApi } from '../../renderer/api';
import { composeImages, composeUp, useCompose } from '../../renderer/stores/compose';
import { cancelJobById, useJobs } from '../../renderer/stores/jobs';
import { connectedCore, engine, uniq, waitFor } from '../support/engine';
import { startRegistry, type Registry } from '../support/registry';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

/**
 * A proxy to `upstream` that, while `stalled`, sends a big blob's first 64 KB and then holds the
 * rest; `release()` sends what it held and lets the download finish.
 */
function stallingProxy(upstream: string) {
  const [host, port] = upstream.split(':');
  const held = new Map<ServerResponse, () => void>();
  let stalls = 0;
  const state = { stalled: true };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const up = request({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      const big = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '') && Number(ures.headers['content-length']) > 1024 * 1024;
      if (!(big && state.stalled)) return void ures.pipe(res);
      stalls++;
      let sent = 0;
      let released = false;
      const rest: Buffer[] = [];
      held.set(res, () => {
        released = true;
        for (const b of rest.splice(0)) res.write(b);
        ures.resume();
      });
      ures.on('data', (d: Buffer) => {
        if (released) return void res.write(d);
        const room = Math.max(0, 65536 - sent);
        if (room) res.write(d.subarray(0, room));
        if (d.length > room) rest.push(d.subarray(room));
        sent += d.length;
        if (sent >= 65536) ures.pause();
      });
      ures.once('end', () => res.end());
      res.once('close', () => (held.delete(res), ures.destroy()));
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return {
    state,
    stalls: () => stalls,
    /** Stalled downloads whose client has not let go. */
    held: () => held.size,
    release: () => [...held.values()].forEach((r) => r()),
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`127.0.0.1:${(server.address() as { port: number }).port}`))),
    close: () => {
      for (const res of held.keys()) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Compose and whatever it started: processes whose command line names the project. */
const processesOf = (p: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(p) && !l.startsWith('ps ')).length;
const listed = (ref: string) => docker.cli(['image', 'ls', '-q', ref]);
const imageCount = () => docker.cli(['image', 'ls', '-aq', '--no-trunc']).split('\n').filter(Boolean).length;

let registry: Registry;
let proxy: ReturnType<typeof stallingProxy>;
let closeSession: () => void;
beforeAll(async () => {
  registry = await startRegistry();
  proxy = stallingProxy(registry.address);
  // The renderer's stores, connected to the core as the app's window is (one API session).
  let deliver: (m: ServerMessage) => void = () => undefined;
  const session = openSession(t.core.router, t.core.hub, (m) => deliver(JSON.parse(JSON.stringify(m)) as ServerMessage));
  connectApi({
    send: (m) => void session.onMessage(JSON.parse(JSON.stringify(m)) as never),
    listen: (onMessage, onConnection) => {
      deliver = onMessage;
      onConnection(true);
      return () => (deliver = () => undefined);
    },
  });
  closeSession = () => session.close();
});
afterAll(async () => {
  closeSession?.();
  await proxy?.close();
  await registry?.stop();
});

const jobOf = (id: number) => useJobs.getState().jobs.find((j) => j.id === id);

describe('compose pull cancelled mid-way (a registry that stalls a layer)', () => {
  it('the job says cancelled, no compose process is left, the image is not there; un-stalled, the pull succeeds', async () => {
    const address = await proxy.listen();
    const name = uniq('pullcancel').replace(/[^a-z0-9-]/g, '');
    const ref = `${address}/berth-test/${name}:1`;
    // An image with a layer of its own (4 MB of random bytes), in the registry only.
    const ctx = tempDir('pull-cancel-image');
    writeFileSync(join(ctx, 'blob'), randomBytes(4 * 1024 * 1024));
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY blob /blob\n`);
    const dir = join(tempDir('pull-cancel'), name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'compose.yaml'), JSON.stringify({ services: { remote: { image: ref, stop_signal: 'SIGKILL', command: ['sleep', '600'] } } }));
    try {
      // Pushed straight to the registry (docker.cli blocks this process, and with it the proxy).
      const direct = `${registry.address}/berth-test/${name}:1`;
      docker.cli(['build', '-q', '-t', direct, ctx]);
      docker.cli(['push', direct]);
      docker.cli(['rmi', direct]);
      proxy.state.stalled = false;
      // Berth brings the project up once (so it knows the project), then it is taken down and its image removed.
      expect(await composeUp({ files: [dir], project: name })).toBeUndefined();
      const down = t.core.router.openStream('compose.down', { project: name }, async () => undefined);
      expect(await down.done).toBeUndefined();
      docker.cli(['rmi', ref]);
      expect(listed(ref)).toBe('');
      const images = imageCount();

      proxy.state.stalled = true;
      const events = await new Dockerode({ socketPath: docker.dockerHost.slice('unix://'.length) }).getEvents({ filters: { type: ['image'], event: ['pull'] } });
      const pulls: string[] = [];
      events.on('data', (d: Buffer) =>
        d
          .toString()
          .split('\n')
          .filter(Boolean)
          .forEach((l) => pulls.push((JSON.parse(l) as { id: string }).id)),
      );
      onTestFinished(() => void (events as unknown as { destroy(): void }).destroy());
      const pulling = composeImages(name, 'pull');
      const job = useJobs.getState().jobs.at(-1)!;
      expect(job).toMatchObject({ kind: 'compose-images', target: `pull (${name})`, status: 'running' });
      await waitFor(() => proxy.held() === 1, 60_000, 'the layer download to stall');
      await waitFor(() => useCompose.getState().output.some((l) => /remote/.test(l)), 10_000, 'Compose to say it pulls');
      expect(processesOf(name)).toBeGreaterThan(0);
      cancelJobById(job.id);
      expect(await pulling).toBe('Cancelled: Compose stopped.');
      expect(jobOf(job.id)).toMatchObject({ status: 'cancelled' });
      await waitFor(() => processesOf(name) === 0, 15_000, 'compose to end');
      // dockerd 20.10 cancels the pull but keeps its read of a stalled body until it ends: the
      // rest is sent now. A pull that went on in the engine would finish with it and be listed
      // (and its "pull" event seen): neither happens.
      expect(proxy.held()).toBeLessThanOrEqual(1);
      proxy.state.stalled = false;
      proxy.release();
      await waitFor(() => proxy.held() === 0, 15_000, 'the held download to end');
      expect(listed(ref)).toBe('');
      expect(imageCount()).toBe(images); // nothing half of it either
      expect(jobOf(job.id)).toMatchObject({ status: 'cancelled' }); // the stream's end, come since, did not change it
      expect(useCompose.getState().running).toBeUndefined();

      const stallsBefore = proxy.stalls();
      expect(await composeImages(name, 'pull')).toBeUndefined();
      expect(pulls.filter((e) => e === ref)).toEqual([ref]); // one pull of it came to an end: the second
      expect(useJobs.getState().jobs.at(-1)).toMatchObject({ kind: 'compose-images', status: 'done' });
      expect(proxy.stalls()).toBe(stallsBefore);
      expect(listed(ref)).toMatch(/^sha256:|^[0-9a-f]{12}$/);
      expect(processesOf(name)).toBe(0);
    } finally {
      proxy.state.stalled = false;
      await t.core.router.openStream('compose.down', { project: name }, async () => undefined).done;
      docker.try(['rmi', '-f', ref]);
    }
    expect(listed(ref)).toBe('');
  });
});
