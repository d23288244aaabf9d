/**
 * Berth on Podman: a real `podman system service` (Debian's podman, test/support/podman.ts) is
 * the engine; lists, run, logs, exec, images and volumes through Berth's API, checked with the
 * podman CLI; a taken name, a bad image and the service killed mid-stream give words, not traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { BuildEvent, ContainerSummary, ImageSummary, LogLine, NetworkSummary, VolumeSummary } from '../../electron/shared/models';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testCore, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { PrivatePodman } from '../support/podman';
import { TEST_IMAGE } from '../support/test-image';

const podman = new PrivatePodman();
let core: Core | undefined;
const call = async <T = unknown>(m: string, a?: unknown) => (await core!.router.handle(m, a)) as { ok: true; value: T } | { ok: false; error: { code: string; message: string; hint?: string } };
const value = async <T>(m: string, a?: unknown): Promise<T> => {
  const r = await call<T>(m, a);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value;
};
const lines = (out: string) => out.split('\n').filter(Boolean);
const cliContainers = () => lines(podman.cli(['ps', '-a', '--format', '{{.Names}}'])).sort();

function logs(id: string, follow: boolean) {
  const got: LogLine[] = [];
  const s = core!.router.openStream('containers.logs', { id, follow, tail: 'all' }, async (c) => void got.push(...(c as LogLine[])));
  return { s, texts: () => got.map((l) => l.text) };
}

beforeAll(async () => {
  await podman.start();
  core = testCore(podman.dockerHost);
  await waitFor(() => core!.engine.getStatus().state === 'up', 15_000, 'engine up');
}, 90_000);

afterAll(async () => {
  core?.dispose();
  const cleaned = await podman.stop();
  console.log(`podman stopped; by force: ${cleaned.killed} processes, ${cleaned.unmounted} mounts`);
  expect(podman.leftovers()).toEqual([]);
  expect(podman.mounts()).toEqual([]);
}, 60_000);

describe('Berth on a Podman service', () => {
  it('says the engine is Podman, with its version', () => {
    const version = /podman version (\S+)/.exec(podman.cli(['--version']))?.[1];
    expect(core!.engine.getStatus()).toMatchObject({ state: 'up', product: 'podman', version });
  });

  it('runs a container with a name, env, a published port and a volume; lists show what podman shows', async () => {
    const name = uniq('pod-run');
    const vol = uniq('pod-vol');
    const reply = await value<{ id: string; name: string }>('containers.run', {
      image: TEST_IMAGE,
      name,
      command: ['sh', '-c', 'echo "$GREETING" > /data/hello.txt; sleep 600'],
      env: [{ key: 'GREETING', value: 'hello podman' }],
      ports: [{ hostPort: 18080, containerPort: 80 }],
      mounts: [{ type: 'volume', source: vol, target: '/data' }],
    });
    expect(reply.name).toBe(name);
    const inspect = JSON.parse(podman.cli(['inspect', name]))[0];
    expect(inspect.State.Running).toBe(true);
    expect(inspect.Config.Env).toContain('GREETING=hello podman');
    expect(inspect.HostConfig.PortBindings['80/tcp'][0]).toMatchObject({ HostPort: '18080' });

    const containers = await value<ContainerSummary[]>('containers.list');
    expect(containers.map((c) => c.name).sort()).toEqual(cliContainers());
    expect(containers.find((c) => c.name === name)).toMatchObject({ state: 'running', ports: [{ privatePort: 80, publicPort: 18080, type: 'tcp' }] });
    const images = await value<ImageSummary[]>('images.list');
    expect(images.flatMap((i) => i.tags)).toContain(`localhost/${TEST_IMAGE}`);
    const volumes = await value<VolumeSummary[]>('volumes.list');
    expect(volumes.find((v) => v.name === vol)).toMatchObject({ inUse: true, usedBy: [name] });
    const networks = await value<NetworkSummary[]>('networks.list');
    expect(networks.map((n) => n.name)).toEqual(expect.arrayContaining(lines(podman.cli(['network', 'ls', '--format', '{{.Name}}'])).map((n) => (n === 'podman' ? 'bridge' : n))));

    // Podman's archive API leaves a stopped helper's volumes out: Berth says so instead of showing an empty volume.
    expect(await call('volumes.files.list', { name: vol, path: '/' })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/^Podman does not show a volume/) } });
    expect(cliContainers()).toEqual([name]); // no helper left
    expect(await value('containers.remove', { ids: [name], force: true, volumes: false })).toEqual([{ id: name, ok: true }]);
    expect(cliContainers()).not.toContain(name);
    expect(await value('volumes.remove', { names: [vol] })).toEqual([{ id: vol, ok: true }]);
    expect(lines(podman.cli(['volume', 'ls', '-q']))).not.toContain(vol);
  });

  it('streams logs, a last line with no newline included, and follows new output', async () => {
    const done = uniq('pod-logs');
    await value('containers.run', { image: TEST_IMAGE, name: done, command: ['sh', '-c', 'echo one; echo two >&2; printf partial'] });
    await waitFor(() => podman.cli(['inspect', '-f', '{{.State.Status}}', done]) === 'exited' || undefined, 15_000, 'exited');
    const all = logs(done, false);
    expect(await all.s.done).toBeUndefined();
    expect(all.texts()).toEqual(['one', 'two', 'partial']);

    const live = uniq('pod-follow');
    await value('containers.run', { image: TEST_IMAGE, name: live, command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done'] });
    const f = logs(live, true);
    await waitFor(() => f.texts().length >= 3 || undefined, 15_000, 'three followed lines');
    f.s.cancel();
    expect(await f.s.done).toBeUndefined();
    expect(f.texts().slice(0, 3)).toEqual(['tick 1', 'tick 2', 'tick 3']);
    await value('containers.remove', { ids: [done, live], force: true, volumes: true });
  });

  it('opens an exec terminal that runs commands and follows a resize', async () => {
    const name = uniq('pod-exec');
    await value('containers.run', { image: TEST_IMAGE, name, command: ['sleep', '600'] });
    let out = '';
    const s = core!.router.openStream('containers.exec', { id: name, cols: 80, rows: 24 }, async (c) => void (out += c as string));
    const until = (text: RegExp) => waitFor(() => text.test(out) || undefined, 15_000, `terminal output ${text}`);
    s.input({ data: 'echo "sum=$((20+22))"\r' });
    await until(/sum=42/);
    expect(s.input({ resize: { cols: 132, rows: 50 } })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    s.input({ data: 'stty size\r' });
    await until(/50 132\s/);
    s.input({ data: 'exit\r' });
    expect(await s.done).toBeUndefined();
    await value('containers.remove', { ids: [name], force: true, volumes: true });
  });

  it('tags, inspects and removes images', async () => {
    const tag = `berth-test/${uniq('pod-tag')}:x`;
    expect(await call('images.tag', { id: TEST_IMAGE, tag })).toMatchObject({ ok: true });
    // Podman names a tag without a registry as docker.io's, as Docker does; its own imports are localhost's.
    const named = lines(podman.cli(['images', '--format', '{{.Repository}}:{{.Tag}}'])).find((t) => t.endsWith(`/${tag}`));
    expect(named).toBe(`docker.io/${tag}`);
    const listed = (await value<ImageSummary[]>('images.list')).flatMap((i) => i.tags);
    expect(listed).toContain(named);
    const detail = await value<{ tags: string[]; config: { cmd: string[] } }>('images.detail', { id: named });
    expect(detail.tags).toContain(named);
    expect(detail.config.cmd).toEqual(['/bin/sh']);
    expect(await value('images.remove', { ids: [named] })).toEqual([{ id: named, ok: true }]);
    expect(lines(podman.cli(['images', '--format', '{{.Repository}}:{{.Tag}}']))).not.toContain(named);
  });

  it("builds with Podman's own builder (it has no BuildKit session); a build secret is refused in words", async () => {
    const dir = tempDir('pod-build');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo built-on-podman > /built\n`);
    const tag = `berth-test/${uniq('pod-built')}:x`;
    const build = async (args: Record<string, unknown>) => {
      const chunks: BuildEvent[] = [];
      const s = core!.router.openStream('images.build', { context: dir, tags: [tag], ...args }, async (c) => void chunks.push(c as BuildEvent));
      return { error: await s.done, chunks };
    };
    const ok = await build({});
    expect(ok.error).toBeUndefined();
    expect(ok.chunks.at(-1)?.imageId).toBeTruthy();
    expect(podman.cli(['run', '--rm', tag, 'cat', '/built']).trim()).toBe('built-on-podman');
    podman.cli(['rmi', tag]);
    const refused = await build({ secrets: [{ id: 's', value: 'x' }] });
    expect(refused.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('Podman does not take build secrets') });
  });

  it('creates and removes volumes; a taken volume name is a conflict', async () => {
    const name = uniq('pod-vol');
    expect(await call('volumes.create', { name, labels: { team: 'a' } })).toMatchObject({ ok: true, value: { name, driver: 'local' } });
    expect(podman.cli(['volume', 'inspect', '-f', '{{.Labels.team}}', name])).toBe('a');
    expect(await call('volumes.create', { name })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await value('volumes.remove', { names: [name] })).toEqual([{ id: name, ok: true }]);
  });

  it('a taken container name and a bad image are refused in words, and leave nothing made', async () => {
    const name = uniq('pod-taken');
    await value('containers.run', { image: TEST_IMAGE, name, command: ['sleep', '600'] });
    const before = cliContainers();
    const taken = await call('containers.run', { image: TEST_IMAGE, name, command: ['true'] });
    expect(taken).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/already in use/), hint: 'Pick another name, or remove the one that has it.' } });
    for (const image of ['berth-test/no-such:image', 'Bad Image!']) {
      const r = await call('containers.run', { image, name: uniq('pod-bad'), pull: 'never' });
      expect(r.ok, image).toBe(false);
      if (!r.ok) expect(r.error.message, image).not.toMatch(/\n\s+at /); // words, no stack
    }
    expect(cliContainers()).toEqual(before);
    await value('containers.remove', { ids: [name], force: true, volumes: true });
  });

  it('the service killed mid-log-stream ends the stream with a clear error; Berth reconnects when it is back', async () => {
    const name = uniq('pod-kill');
    await value('containers.run', { image: TEST_IMAGE, name, command: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
    const f = logs(name, true);
    await waitFor(() => f.texts().length >= 2 || undefined, 15_000, 'two lines');
    await podman.kill();
    const err = await f.s.done;
    expect(err).toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/^Cannot reach the engine/), hint: expect.stringMatching(/reconnects by itself/) });
    expect(err?.message).not.toMatch(/\n\s+at /);
    await waitFor(() => core!.engine.getStatus().state === 'unreachable' || undefined, 15_000, 'engine unreachable');

    podman.startService();
    await podman.waitForPing();
    await waitFor(() => core!.engine.getStatus().state === 'up' || undefined, 20_000, 'engine up again');
    expect(await value('containers.remove', { ids: [name], force: true, volumes: true })).toEqual([{ id: name, ok: true }]);
    expect(cliContainers()).not.toContain(name);
  }, 60_000);
});
