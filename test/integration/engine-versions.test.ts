/**
 * What changed between engine versions, on both: Debian 12's 20.10 (API 1.41, the shared test
 * engine) and Debian 13's 26 (API 1.45, the engine the Berth VM runs; test/support/current-dockerd.ts).
 * From API 1.42 a plain volume prune keeps named volumes; from Engine 25 `docker save` writes an
 * OCI layout beside its manifest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/main/core';
import type { CleanupPlan } from '../../electron/shared/models';
import { currentVersions, DOCKER_CURRENT, endCurrent, useCurrentEngine } from '../support/current-dockerd';
import type { PrivateDockerd } from '../support/dockerd';
import { connectedCore, engine, testCore, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const shared = connectedCore();
const current = useCurrentEngine();
let currentCore: Core | undefined;
beforeAll(async () => {
  currentCore = testCore(current.engine.dockerHost);
  await waitFor(() => currentCore!.engine.getStatus().state === 'up', 10_000, 'the current engine up');
});
afterAll(() => currentCore?.dispose());

interface Target {
  label: string;
  engine: () => PrivateDockerd;
  core: () => Core;
}
const targets: Target[] = [
  { label: 'Engine 20.10 (Debian 12, the shared test engine)', engine, core: () => shared.core },
  { label: 'Engine 26 (Debian 13)', engine: () => current.engine, core: () => currentCore! },
];

/** buildx, standalone (npm test's system packages step unpacks it there, so the suite's other builds stay classic). */
const BUILDX = '/opt/berth/buildx/docker-buildx';
function buildx(e: PrivateDockerd, args: string[]): string {
  if (!existsSync(BUILDX)) throw new Error(`${BUILDX} is missing: npm test installs it (node build/system-packages.mjs test)`);
  const r = spawnSync(BUILDX, args, { env: { ...process.env, DOCKER_HOST: e.dockerHost }, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker-buildx ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

async function ok(core: Core, method: string, args?: unknown): Promise<unknown> {
  const r = await core.router.handle(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

/** The tar `images.save` streams, in pieces of bytes. */
async function saveThroughBerth(core: Core, ids: string[]): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  const s = core.router.openStream('images.save', { ids }, async (c) => void pieces.push(c as Uint8Array));
  const error = await s.done;
  if (error) throw new Error(`images.save: ${error.code} ${error.message}`);
  return Buffer.concat(pieces);
}

/** The tar's manifest.json: one entry per image, with the names it was saved under. */
function manifestOf(file: string): { Config: string; RepoTags: string[] | null }[] {
  const r = spawnSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`no manifest.json in the tar: ${r.stderr}`);
  return JSON.parse(r.stdout) as { Config: string; RepoTags: string[] | null }[];
}

/** A new image (its own layer, so its own id) from the test image, committed under `tag` or none. */
function newImage(e: PrivateDockerd, tag?: string): string {
  const c = uniq('commit');
  e.cli(['run', '--name', c, TEST_IMAGE, 'sh', '-c', `echo ${c} > /made`]);
  try {
    return e.cli(['commit', c, ...(tag ? [tag] : [])]);
  } finally {
    e.cli(['rm', c]);
  }
}

const sorted = (xs: string[]) => [...xs].sort();
const lines = (s: string) => s.split('\n').filter(Boolean);
const dangling = (e: PrivateDockerd) => sorted(lines(e.cli(['volume', 'ls', '-q', '--filter', 'dangling=true'])));
const allVolumes = (e: PrivateDockerd) => sorted(lines(e.cli(['volume', 'ls', '-q'])));

/** Unused volumes of each kind and one in use; removes what is left of them afterwards. */
function volumeSet(e: PrivateDockerd): { unused: string[]; used: string; cleanup: () => void } {
  const named = uniq('named');
  e.cli(['volume', 'create', named]);
  const unnamed = e.cli(['volume', 'create']); // created without a name
  const anon = uniq('anon'); // a container's anonymous volume (-v /data), left behind by `rm` without -v
  e.cli(['create', '--name', anon, '-v', '/data', TEST_IMAGE]);
  const anonymous = e.cli(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', anon]);
  e.cli(['rm', anon]);
  const used = uniq('used');
  const holder = uniq('holder');
  e.cli(['create', '--name', holder, '-v', `${used}:/data`, TEST_IMAGE]);
  const unused = [named, unnamed, anonymous];
  return {
    unused,
    used,
    cleanup: () => {
      e.try(['rm', '-f', holder]);
      for (const v of [...unused, used]) e.try(['volume', 'rm', '-f', v]);
    },
  };
}

describe.each(targets)('$label', (t) => {
  it('volume cleanup: the preview lists every unused volume, named and anonymous, and the cleanup removes exactly those', async () => {
    const e = t.engine();
    const set = volumeSet(e);
    try {
      const before = allVolumes(e);
      const preview = (await ok(t.core(), 'disk.preview', { kind: 'volumes' })) as CleanupPlan;
      const previewed = sorted(preview.items.map((i) => i.id));
      expect(previewed).toEqual(dangling(e)); // the engine's own idea of unused
      expect(previewed).toEqual(expect.arrayContaining(set.unused));
      expect(previewed).not.toContain(set.used);

      const done = (await ok(t.core(), 'disk.cleanup', { kind: 'volumes' })) as CleanupPlan;
      expect(sorted(done.items.map((i) => i.id))).toEqual(previewed);
      expect(done.kept).toBeUndefined();
      expect(allVolumes(e)).toEqual(before.filter((v) => !previewed.includes(v)));
      expect(allVolumes(e)).toContain(set.used);
      expect(dangling(e)).toEqual([]);
    } finally {
      set.cleanup();
    }
  });

  it('volume cleanup of the previewed ids removes those alone: one taken into use since is kept, with the reason; one made since stays', async () => {
    const e = t.engine();
    const disk = {
      preview: async (kind: string) => (await ok(t.core(), 'disk.preview', { kind })) as CleanupPlan,
      cleanup: async (kind: string, ids: string[]) => (await ok(t.core(), 'disk.cleanup', { kind, ids })) as CleanupPlan,
    };
    const set = volumeSet(e);
    const late = uniq('late');
    const made = uniq('after-preview');
    try {
      const preview = await disk.preview('volumes');
      const taken = set.unused[0]!;
      e.cli(['create', '--name', late, '-v', `${taken}:/data`, TEST_IMAGE]);
      e.cli(['volume', 'create', made]);

      const done = await disk.cleanup(
        'volumes',
        preview.items.map((i) => i.id),
      );
      expect(sorted(done.items.map((i) => i.id))).toEqual(sorted(preview.items.map((i) => i.id).filter((id) => id !== taken)));
      expect(done.kept).toEqual([{ id: taken, name: taken, reason: 'used by a container since the preview' }]);
      expect(allVolumes(e)).toEqual(expect.arrayContaining([taken, made, set.used]));
      expect(dangling(e)).toEqual([made]);
    } finally {
      e.try(['volume', 'rm', made]);
      e.try(['rm', '-f', late]);
      set.cleanup();
    }
  });

  it('build-cache cleanup of the previewed records removes those alone; a record made since stays', async () => {
    const e = t.engine();
    const dir = tempDir('build-cache');
    const built: string[] = [];
    const build = (word: string) => {
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo ${word} > /word\n`);
      built.push(buildx(e, ['build', '-q', dir])); // BuildKit (the engine's own, buildx's default builder): cache records
    };
    const records = async () => ((await ok(t.core(), 'disk.preview', { kind: 'build-cache' })) as CleanupPlan).items.map((i) => i.id);
    try {
      build(uniq('before'));
      const preview = await records();
      expect(preview.length).toBeGreaterThan(0);
      build(uniq('since'));
      const since = (await records()).filter((id) => !preview.includes(id));
      expect(since.length).toBeGreaterThan(0); // the second RUN made a record of its own

      const done = (await ok(t.core(), 'disk.cleanup', { kind: 'build-cache', ids: preview })) as CleanupPlan;
      // A build replaces its context's records, so some previewed ones may be gone already; one the
      // later build builds on stays, and says so. Nothing made since the preview goes.
      expect(done.items.length).toBeGreaterThan(0);
      expect(done.items.map((i) => i.id).filter((id) => !preview.includes(id))).toEqual([]);
      for (const k of done.kept ?? []) expect(k.reason).toBe('the engine keeps it: an image or a newer cache record still uses it');
      const after = await records();
      expect(after).toEqual(expect.arrayContaining(since));
      expect(sorted(after.filter((id) => preview.includes(id)))).toEqual(sorted((done.kept ?? []).map((k) => k.id)));
    } finally {
      for (const id of built) e.try(['rmi', id]);
      await ok(t.core(), 'disk.cleanup', { kind: 'build-cache' }); // the rest: the engine is shared
    }
  });

  it('volumes.prune removes every unused volume, named and anonymous, and keeps the one in use', async () => {
    const e = t.engine();
    const set = volumeSet(e);
    try {
      const unused = dangling(e);
      expect(unused).toEqual(expect.arrayContaining(set.unused));
      const report = (await ok(t.core(), 'volumes.prune')) as { removed: string[] };
      expect(sorted(report.removed)).toEqual(unused);
      expect(dangling(e)).toEqual([]);
      expect(allVolumes(e)).toContain(set.used);
    } finally {
      set.cleanup();
    }
  });

  it('save by the image (its id, as the images list sends it): the tar names every tag and `docker load` gives them all back', async () => {
    const e = t.engine();
    const repoA = `berth-test/saved-${uniq('a')}`;
    const tags = [`${repoA}:one`, `${repoA}:two`, `registry.example:5000/team/${uniq('b')}:three`];
    const id = newImage(e, tags[0]);
    for (const tag of tags.slice(1)) e.cli(['tag', id, tag]);
    const tar = join(tempDir('save'), 'image.tar');
    try {
      writeFileSync(tar, await saveThroughBerth(t.core(), [id]));
      const manifest = manifestOf(tar);
      expect(manifest).toHaveLength(1);
      expect(sorted(manifest[0]!.RepoTags ?? [])).toEqual(sorted(tags));

      e.cli(['rmi', ...tags]);
      expect(e.try(['image', 'inspect', id]).status).not.toBe(0); // really gone
      expect(e.cli(['load', '-i', tar])).toContain(`Loaded image: ${tags[0]}`);
      for (const tag of tags) expect(e.cli(['image', 'inspect', '-f', '{{.Id}}', tag]), tag).toBe(id);
    } finally {
      e.try(['rmi', '-f', ...tags]);
    }
  });

  it('save by a picked tag names that tag alone, as `docker save repo:tag` does', async () => {
    const e = t.engine();
    const repo = `berth-test/picked-${uniq('p')}`;
    const id = newImage(e, `${repo}:one`);
    e.cli(['tag', id, `${repo}:two`]);
    const tar = join(tempDir('save'), 'image.tar');
    try {
      writeFileSync(tar, await saveThroughBerth(t.core(), [`${repo}:two`]));
      expect(manifestOf(tar).map((m) => m.RepoTags)).toEqual([[`${repo}:two`]]);
      e.cli(['rmi', `${repo}:one`, `${repo}:two`]);
      e.cli(['load', '-i', tar]);
      expect(e.cli(['image', 'inspect', '-f', '{{.Id}} {{json .RepoTags}}', id])).toBe(`${id} ["${repo}:two"]`);
    } finally {
      e.try(['rmi', '-f', id]);
    }
  });

  it('an image without tags saves by its id and loads back as <none>, content equal', async () => {
    const e = t.engine();
    const id = newImage(e);
    const tar = join(tempDir('save'), 'image.tar');
    try {
      writeFileSync(tar, await saveThroughBerth(t.core(), [id]));
      expect(manifestOf(tar).map((m) => m.RepoTags ?? [])).toEqual([[]]);
      e.cli(['rmi', id]);
      expect(e.cli(['load', '-i', tar])).toContain(`Loaded image ID: ${id}`);
      expect(e.cli(['image', 'inspect', '-f', '{{.Id}} {{len .RepoTags}}', id])).toBe(`${id} 0`);
    } finally {
      e.try(['rmi', '-f', id]);
    }
  });
});

describe('the current engine harness', () => {
  it('is Debian 13 dockerd 26 with its own containerd and runc, in its own network namespace', async () => {
    const e = current.engine;
    expect(currentVersions()['docker.io']).toMatch(/^26\./);
    const [version, api] = e.cli(['version', '-f', '{{.Server.Version}} {{.Server.APIVersion}}']).split(' ');
    expect(version).toMatch(/^26\./);
    expect(Number(api!.split('.')[1])).toBeGreaterThanOrEqual(45);
    expect(currentCore!.engine.getStatus()).toMatchObject({ state: 'up', version });

    const pid = e.pid()!;
    expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'));
    const exes = e.processes().map((p) => readlinkSync(`/proc/${p}/exe`));
    expect(exes).toEqual(expect.arrayContaining([join(DOCKER_CURRENT, 'usr/sbin/dockerd'), join(DOCKER_CURRENT, 'usr/bin/containerd')]));
    expect(e.cli(['info', '-f', '{{.DefaultRuntime}} {{.RuncCommit.ID}}'])).toMatch(/^runc 1\.1\.\d+/);
    expect(e.cli(['run', '--rm', TEST_IMAGE, 'echo', 'ran on 26'])).toBe('ran on 26');
  });

  it('stops leaving no process, mount or file behind', async () => {
    const e = current.engine;
    const running = uniq('running');
    e.cli(['run', '-d', '--name', running, TEST_IMAGE, 'sleep', '600']); // a shim and a container to end too
    expect(e.processes().length).toBeGreaterThanOrEqual(3); // dockerd, containerd, the shim
    expect(e.mounts().length).toBeGreaterThan(0);
    currentCore?.dispose();
    currentCore = undefined;
    await endCurrent(e); // what the file's afterAll does (again, harmlessly) whatever happened
    expect(e.processes()).toEqual([]);
    expect(e.mounts()).toEqual([]);
    expect(existsSync(e.dir)).toBe(false);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(e.dir);
  });
});
