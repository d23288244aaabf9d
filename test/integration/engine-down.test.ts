import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import { engine, nextEvent, testCore, waitFor } from '../support/engine';

const docker = engine();
let core: Core;

beforeAll(async () => {
  core = testCore();
  await waitFor(() => core.engine.getStatus().state === 'up', 10_000, 'engine up');
});
afterAll(async () => {
  core.dispose();
  await docker.start(); // leave the shared engine running whatever happened
});

describe('engine down and back', () => {
  it('reports the engine unreachable with a reason, fails calls clearly, and recovers by itself', async () => {
    const down = nextEvent(core, 'engine:status', (s) => s.state === 'unreachable', 30_000);
    await docker.stop();
    const status = await down;
    expect(status.reason).toMatch(/closed|refused|socket|ENOENT/i);
    expect(status.endpoint).toBe(docker.dockerHost);

    const reply = await core.router.handle('containers.list', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE', hint: expect.stringMatching(/reconnect/i) } });

    const up = nextEvent(core, 'engine:status', (s) => s.state === 'up', 30_000);
    const resync = nextEvent(core, 'containers:changed', () => true, 30_000);
    await docker.start();
    expect((await up).version).toMatch(/^\d+\./);
    await resync; // every list is told to refresh after a reconnect
    expect((await core.router.handle('containers.list', {})).ok).toBe(true);
  });

  it('a core pointed at a missing socket says so and keeps the app alive', async () => {
    const lost = testCore('unix:///tmp/berth-no-such-engine.sock');
    try {
      const s = await waitFor(() => (lost.engine.getStatus().state === 'unreachable' ? lost.engine.getStatus() : undefined), 5000, 'unreachable');
      expect(s.reason).toMatch(/no engine socket/);
      expect(await lost.router.handle('volumes.list')).toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE' } });
    } finally {
      lost.dispose();
    }
  });
});
