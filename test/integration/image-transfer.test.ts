import { execFileSync } from 'node:child_process';
import { existsSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildEvent, CleanupKind, CleanupPlan, LayerProgress, RegistryLogin } from '../../electron/shared/models';
import { UPLOAD_PIECE } from '../../electron/shared/transfer';
import { connectedCore, engine, TEST_DOCKER_CONFIG, TEST_DOCKER_CONFIG_SEED, TEST_REGISTRIES_FILE, uniq, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { startRegistry, type Registry } from '../support/registry';
import { tempDir } from '../support/temp';
import { NO_SHELL_IMAGE, TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();

async function collect<C>(name: string, args: unknown, input?: (s: ReturnType<typeof t.core.router.openStream>, chunks: C[]) => void) {
  const chunks: C[] = [];
  const s = t.core.router.openStream(name, args, async (c) => {
    chunks.push(c as C);
    input?.(s, chunks);
  });
  input?.(s, chunks);
  return { error: await s.done, chunks };
}
const ok = async (method: string, args?: unknown) => {
  const r = await t.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value;
};

function buildContext(): string {
  const dir = tempDir('build');
  writeFileSync(
    join(dir, 'Dockerfile'),
    [`FROM ${TEST_IMAGE} AS base`, 'ARG GREETING=hi', 'RUN echo "$GREETING" > /greeting', 'FROM base AS final', 'COPY . /ctx', 'CMD ["cat", "/greeting"]', 'FROM base AS unused', 'RUN false'].join(
      '\n',
    ) + '\n',
  );
  writeFileSync(join(dir, '.dockerignore'), 'secret.txt\n');
  writeFileSync(join(dir, 'app.txt'), 'app\n');
  writeFileSync(join(dir, 'secret.txt'), 'do not send\n');
  return dir;
}

const statuses = (chunks: LayerProgress[][]) => chunks.flat().map((p) => p.status);

describe('images through a real registry', () => {
  let registry: Registry;
  beforeAll(async () => void (registry = await startRegistry()));
  afterAll(() => registry?.stop());

  it('build (args, target, .dockerignore) → history → tag → push → remove → pull back → run', async () => {
    const repo = `${registry.address}/berth/${uniq('app')}`;
    const build = await collect<BuildEvent>('images.build', { context: buildContext(), tags: [`${repo}:v1`], buildArgs: { GREETING: 'hello' }, target: 'final' });
    expect(build.error).toBeUndefined();
    expect(build.chunks.flatMap((c) => c.steps ?? []).map((s) => s.name)).toContain('[final 1/1] COPY . /ctx');
    const imageId = build.chunks.at(-1)?.imageId;
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(docker.cli(['run', '--rm', `${repo}:v1`])).toBe('hello');
    // secret.txt stayed home (.dockerignore); the engine leaves .dockerignore itself out of COPY
    expect(
      docker
        .cli(['run', '--rm', `${repo}:v1`, 'ls', '/ctx'])
        .split('\n')
        .sort(),
    ).toEqual(['Dockerfile', 'app.txt']);

    const history = (await ok('images.history', { id: imageId })) as { createdBy: string; size: number }[];
    expect(history[0]!.createdBy).toBe('CMD ["cat" "/greeting"]');
    expect(history.map((h) => h.createdBy)).toEqual(expect.arrayContaining(['COPY . /ctx', 'RUN echo "$GREETING" > /greeting   # GREETING=hello']));

    await ok('images.tag', { id: imageId, tag: `${repo}:v2` });
    expect(docker.cli(['image', 'inspect', '-f', '{{.Id}}', `${repo}:v2`])).toBe(imageId);

    const push = await collect<LayerProgress[]>('images.push', { ref: `${repo}:v2` });
    expect(push.error).toBeUndefined();
    expect(statuses(push.chunks)).toContain('Pushed');
    expect(push.chunks.flat().some((p) => p.id && p.total && p.current !== undefined)).toBe(true); // per-layer bytes

    await ok('images.remove', { ids: [`${repo}:v1`, `${repo}:v2`], force: true });
    expect(docker.try(['image', 'inspect', `${repo}:v2`]).status).not.toBe(0);
    const pull = await collect<LayerProgress[]>('images.pull', { ref: `${repo}:v2` });
    expect(pull.error).toBeUndefined();
    // BuildKit's cache still holds the built layers, so the engine may have them already
    expect(statuses(pull.chunks)).toEqual(expect.arrayContaining([expect.stringMatching(/^(Pull complete|Already exists)$/)]));
    expect(statuses(pull.chunks).at(-1)).toMatch(/Downloaded newer image|Image is up to date/);
    expect(docker.cli(['run', '--rm', `${repo}:v2`])).toBe('hello');
  });

  it('a cancelled pull stops: the image does not arrive', async () => {
    const ref = `${registry.address}/berth/big:${uniq('t')}`;
    const ctx = tempDir('big');
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN head -c 150000000 /dev/urandom > /blob\n`);
    docker.cli(['build', '-q', '-t', ref, ctx]);
    docker.cli(['push', ref]);
    docker.cli(['rmi', ref]);
    // How long a whole pull takes here: a cancelled one must not have the image even after twice that.
    const t0 = Date.now();
    docker.cli(['pull', ref]);
    const whole = Date.now() - t0;
    docker.cli(['rmi', ref]);
    const seen: LayerProgress[] = [];
    const s = t.core.router.openStream('images.pull', { ref }, async (c) => void seen.push(...(c as LayerProgress[])));
    await waitFor(() => seen.some((p) => p.status === 'Downloading') || undefined, 20_000, 'the download to start');
    s.cancel();
    expect(await s.done).toBeUndefined();
    await new Promise((r) => setTimeout(r, 2 * whole + 1000)); // had the engine gone on, it would have it by now
    expect(docker.try(['image', 'inspect', ref]).status).not.toBe(0);
  });

  it('says why a pull cannot work: bad reference, unknown tag, unreachable registry', async () => {
    expect((await collect('images.pull', { ref: 'Not/Valid' })).error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('lowercase') });
    expect((await collect('images.pull', { ref: `${registry.address}/berth/nothing:here` })).error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/not found|unknown/i) });
    const closed = await freePort();
    expect((await collect('images.pull', { ref: `127.0.0.1:${closed}/x:1` })).error).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/connection refused/) });
  });

  it('a build that fails says why and tags nothing', async () => {
    const ctx = buildContext();
    const tag = `berth-test/fails:${uniq('t')}`;
    const build = await collect<BuildEvent>('images.build', { context: ctx, tags: [tag], target: 'unused' });
    expect(build.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/exit code: 1/) });
    expect(docker.try(['image', 'inspect', tag]).status).not.toBe(0);
    expect(docker.cli(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Image}}'])).not.toContain(tag);
    expect((await collect('images.build', { context: join(ctx, 'nope') })).error).toMatchObject({ code: 'NOT_FOUND' });
    expect((await collect('images.build', { context: ctx, dockerfile: '../x' })).error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a cancelled build stops, tags nothing and leaves no build container behind', async () => {
    const ctx = tempDir('cancel');
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN sleep 300\n`);
    const tag = `berth-test/cancelled:${uniq('t')}`;
    const out: string[] = [];
    const s = t.core.router.openStream(
      'images.build',
      { context: ctx, tags: [tag] },
      async (c) => void out.push(...((c as BuildEvent).steps ?? []).filter((s) => s.state === 'running').map((s) => s.name)),
    );
    await waitFor(() => out.join('').includes('RUN sleep 300') || undefined, 20_000, 'the RUN step');
    s.cancel();
    expect(await s.done).toBeUndefined();
    await waitFor(() => !execFileSync('ps', ['-eo', 'args']).toString().includes('sleep 300') || undefined, 20_000, 'the RUN process to end');
    expect(docker.try(['image', 'inspect', tag]).status).not.toBe(0);
  });

  it('save → remove → load gives the same image back', async () => {
    const tag = `berth-test/saved:${uniq('t')}`;
    docker.cli(['tag', TEST_IMAGE, tag]);
    const id = docker.cli(['image', 'inspect', '-f', '{{.Id}}', tag]);
    const saved = await collect<Uint8Array>('images.save', { ids: [tag] });
    expect(saved.error).toBeUndefined();
    const tar = Buffer.concat(saved.chunks);
    expect(tar.includes(Buffer.from('manifest.json'))).toBe(true);
    docker.cli(['rmi', tag]);
    let sent = 0;
    const load = await collect<{ bytes: number; loaded?: string[] }>('images.load', { size: tar.length }, (s, acks) => {
      while (sent < tar.length && sent - (acks.at(-1)?.bytes ?? 0) < 4 * UPLOAD_PIECE) {
        s.input(tar.subarray(sent, sent + UPLOAD_PIECE));
        sent = Math.min(sent + UPLOAD_PIECE, tar.length);
      }
    });
    expect(load.error).toBeUndefined();
    expect(load.chunks.at(-1)).toEqual({ bytes: tar.length, loaded: [tag] });
    expect(docker.cli(['image', 'inspect', '-f', '{{.Id}}', tag])).toBe(id);

    const junk = Buffer.from('this is not a tar');
    const bad = await collect('images.load', { size: junk.length }, (s, acks) => void (acks.length === 0 && s.input(junk)));
    expect(bad.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('Not an image archive') });
  });
});

describe('registry logins', () => {
  const user = { username: 'berth', password: 's3cret-pass' };
  let registry: Registry;
  beforeAll(async () => void (registry = await startRegistry(user)));
  afterAll(() => registry?.stop());

  it('push needs a login; a wrong password is refused; the login is kept in the docker config (0600) and never shown', async () => {
    const ref = `${registry.address}/berth/private:${uniq('t')}`;
    docker.cli(['tag', TEST_IMAGE, ref]);
    expect((await collect('images.push', { ref })).error).toMatchObject({ code: 'REGISTRY_AUTH' });
    expect(await t.call('registries.login', { server: registry.address, username: 'berth', password: 'wrong' })).toMatchObject({ ok: false, error: { code: 'REGISTRY_AUTH' } });
    expect(await ok('registries.list')).toEqual([]);

    await ok('registries.login', { server: registry.address, ...user });
    const config = join(TEST_DOCKER_CONFIG, 'config.json'); // the test core's DOCKER_CONFIG, with no helper named
    expect((await ok('registries.list')) as RegistryLogin[]).toEqual([{ server: registry.address, username: 'berth', store: { kind: 'config', file: config } }]);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ auths: { ...TEST_DOCKER_CONFIG_SEED.auths, [registry.address]: { auth: Buffer.from('berth:s3cret-pass').toString('base64') } } });
    expect(existsSync(TEST_REGISTRIES_FILE)).toBe(false); // Berth's own file gets no new login

    const push = await collect<LayerProgress[]>('images.push', { ref });
    expect(push.error).toBeUndefined();
    docker.cli(['rmi', ref]);
    expect((await collect('images.pull', { ref })).error).toBeUndefined();

    await ok('registries.logout', { server: registry.address });
    expect(await ok('registries.list')).toEqual([]);
    docker.cli(['rmi', ref]);
    expect((await collect('images.pull', { ref })).error).toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringContaining('no basic auth credentials') });
  });
});

describe('disk usage and cleanups', () => {
  it('the preview of each cleanup lists exactly what it then removes', async () => {
    // Keep the shared test images in use: the "unused images" cleanup must not take them.
    for (const image of [TEST_IMAGE, NO_SHELL_IMAGE]) docker.cli(['run', '-d', '--name', uniq('keep'), image, ...(image === TEST_IMAGE ? ['sleep', '600'] : [])]);
    const dir = tempDir('dangling');
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo one > /v\n`);
    const tag = `berth-test/dangle:${uniq('t')}`;
    docker.cli(['build', '-q', '-t', tag, dir]);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo two > /v\n`);
    docker.cli(['build', '-q', '-t', tag, dir]); // the first build is now dangling
    docker.cli(['create', '--name', uniq('stopped'), TEST_IMAGE]);
    docker.cli(['volume', 'create', uniq('unused-vol')]);

    const usage = (await ok('disk.usage')) as Record<string, { count: number; size: number; reclaimable: number }>;
    expect(usage.images!.count).toBeGreaterThanOrEqual(3);
    expect(usage.volumes!.count).toBeGreaterThanOrEqual(1);
    expect(usage.images!.reclaimable).toBeLessThanOrEqual(usage.images!.size);

    for (const kind of ['containers', 'dangling-images', 'unused-images', 'volumes', 'build-cache'] as CleanupKind[]) {
      const preview = (await ok('disk.preview', { kind })) as CleanupPlan;
      if (kind !== 'build-cache') expect(preview.items.length, kind).toBeGreaterThan(0);
      const done = (await ok('disk.cleanup', { kind })) as CleanupPlan;
      // The engine may keep a build-cache record that an image still uses; the result says so. Nothing else is kept.
      const kept = (done.kept ?? []).map((k) => k.id);
      if (kind !== 'build-cache') expect(kept, kind).toEqual([]);
      expect([...done.items.map((i) => i.id), ...kept].sort(), kind).toEqual(preview.items.map((i) => i.id).sort());
      expect(((await ok('disk.preview', { kind })) as CleanupPlan).items.map((i) => i.id).sort(), `${kind} after`).toEqual(kept.sort());
    }
    // images in use keep every tag (the engine's own prune -a would strip all but one)
    docker.cli(['tag', TEST_IMAGE, `${tag}-extra`]);
    expect(((await ok('disk.preview', { kind: 'unused-images' })) as CleanupPlan).items).toEqual([]);
    await ok('disk.cleanup', { kind: 'unused-images' });
    for (const image of [TEST_IMAGE, NO_SHELL_IMAGE, `${tag}-extra`]) expect(docker.try(['image', 'inspect', image]).status, image).toBe(0);
  });
});
