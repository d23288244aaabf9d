import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContainerSummary, HealthReport } from '../../electron/shared/models';
import { connectedCore, engine, nextEvent, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const ctx = connectedCore();
const { call } = ctx;

async function listed(name: string): Promise<ContainerSummary | undefined> {
  const r = await call('containers.list');
  return r.ok ? (r.value as ContainerSummary[]).find((c) => c.name === name) : undefined;
}

describe('container health through the API', () => {
  it('a check set at run turns healthy then unhealthy: events, the list, the streak and the last probes', async () => {
    const name = uniq('health');
    const healthy = nextEvent(ctx.core, 'containers:health', (h) => h.name === name && h.status === 'healthy', 20_000);
    const reply = await call('containers.run', {
      image: TEST_IMAGE,
      name,
      command: ['sh', '-c', 'touch /tmp/ok; exec sleep 600'],
      health: { command: 'test -f /tmp/ok && echo fine || { echo "no /tmp/ok" >&2; exit 1; }', intervalMs: 250, timeoutMs: 2000, retries: 2 },
    });
    expect(reply).toMatchObject({ ok: true });
    const id = (await healthy).id;
    // Each probe is an exec: its end is pushed (the Health tab reads the probes again on it, no timer).
    expect(await nextEvent(ctx.core, 'containers:exec-ended', (e) => e.id === id, 5000)).toEqual({ id });
    expect((await listed(name))?.health).toBe('healthy');
    const c = JSON.parse(docker.cli(['inspect', name]))[0];
    expect(c.Config.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', expect.stringContaining('test -f /tmp/ok')], Interval: 250e6, Timeout: 2000e6, Retries: 2 });

    const unhealthy = nextEvent(ctx.core, 'containers:health', (h) => h.id === id && h.status === 'unhealthy', 20_000);
    docker.cli(['exec', name, 'rm', '/tmp/ok']);
    expect(await unhealthy).toEqual({ id, name, status: 'unhealthy' });
    const row = await waitFor(async () => ((await listed(name))?.health === 'unhealthy' ? listed(name) : undefined), 10_000, 'the list to say unhealthy');
    expect(row.failingStreak).toBeGreaterThanOrEqual(2);

    const report = await call('containers.health', { id });
    expect(report.ok).toBe(true);
    const r = (report as { value: HealthReport }).value;
    expect(r).toMatchObject({ status: 'unhealthy', check: { interval: 250, timeout: 2000, retries: 2, startPeriod: 0 } });
    expect(r.failingStreak).toBeGreaterThanOrEqual(2);
    expect(r.probes.length).toBeGreaterThanOrEqual(2);
    expect(r.probes[0]).toMatchObject({ exitCode: 1, output: expect.stringContaining('no /tmp/ok') }); // newest first
    expect(r.probes.some((p) => p.exitCode === 0 && p.output.includes('fine'))).toBe(true);
    expect(r.probes[0]!.start).toBeGreaterThanOrEqual(r.probes.at(-1)!.start);

    // Healthy again once the probe passes; and a stopped container has no health shown.
    const again = nextEvent(ctx.core, 'containers:health', (h) => h.id === id && h.status === 'healthy', 20_000);
    docker.cli(['exec', name, 'touch', '/tmp/ok']);
    await again;
    // A restart: the engine says nothing of health, Berth says "starting" (so a new unhealthy is news again).
    const restarting = nextEvent(ctx.core, 'containers:health', (h) => h.id === id && h.status === 'starting', 20_000);
    const healthyAgain = nextEvent(ctx.core, 'containers:health', (h) => h.id === id && h.status === 'healthy', 20_000);
    docker.cli(['restart', '-t', '0', name]);
    expect(await restarting).toEqual({ id, name, status: 'starting' });
    await healthyAgain;
    docker.cli(['stop', '-t', '0', name]);
    expect(await listed(name)).toMatchObject({ state: 'exited', health: 'none' });
    expect(await call('containers.health', { id: 'no-such-container' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it("--no-healthcheck turns off the image's own check; without it, the image's check runs", async () => {
    const dir = tempDir('health-image');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nHEALTHCHECK --interval=1s CMD true\n`);
    const image = `berth-test/with-check:${uniq('t')}`;
    docker.cli(['build', '-q', '-t', image, dir]);
    const checked = uniq('image-check');
    const off = uniq('no-check');
    expect(await call('containers.run', { image, name: checked, command: ['sleep', '600'] })).toMatchObject({ ok: true });
    expect(await call('containers.run', { image, name: off, command: ['sleep', '600'], noHealthcheck: true })).toMatchObject({ ok: true });
    await waitFor(async () => (await listed(checked))?.health === 'healthy' || undefined, 20_000, "the image's check to pass");
    expect((await listed(off))?.health).toBe('none');
    const report = await call('containers.health', { id: off });
    expect(report).toMatchObject({ ok: true, value: { status: 'none', probes: [] } });
    expect((report as { value: HealthReport }).value.check).toBeUndefined();
    expect(await call('containers.run', { image, noHealthcheck: true, health: { command: 'true' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/both set and disabled/) },
    });
  });
});
