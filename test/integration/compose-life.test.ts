/**
 * The rest of a compose project's lifecycle through the real Compose CLI: one service started,
 * stopped and restarted; pull (from the test registry on 127.0.0.1) and build, a build cancelled
 * mid-way; down by the project's own files, with and without its named volumes; watch started,
 * syncing a changed host file into the container, started twice, stopped. Leftovers counted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeService } from '../../electron/main/services/compose';
import { ComposeMemory } from '../../electron/main/services/compose-memory';
import { paths } from '../../electron/main/paths';
import type { StreamSink } from '../../electron/main/stream-sink';
import { connectedCore, engine, TEST_DATA_DIR, uniq, waitFor } from '../support/engine';
import { startRegistry } from '../support/registry';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const svc = (extra: object = {}) => ({ image: TEST_IMAGE, pull_policy: 'never', stop_signal: 'SIGKILL', command: ['sleep', '600'], ...extra });
const json = (v: unknown) => JSON.stringify(v, null, 2); // JSON is YAML

type Name = 'compose.up' | 'compose.down' | 'compose.service' | 'compose.images' | 'compose.watch';
function open(name: Name, args: unknown) {
  const lines: string[] = [];
  const s = t.core.router.openStream(name, args, async (l) => void lines.push(l as string));
  return { done: s.done, cancel: s.cancel, lines };
}
const run = async (name: Name, args: unknown) => {
  const s = open(name, args);
  return { error: await s.done, lines: s.lines };
};

/** A project folder with a compose.yaml of `file`; the project is named after it. */
function project(file: object, extra: Record<string, string> = {}): { dir: string; name: string } {
  const name = uniq('life').replace(/[^a-z0-9-]/g, '');
  const dir = join(tempDir('compose-life'), name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'compose.yaml'), json(file));
  for (const [f, text] of Object.entries(extra)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return { dir, name };
}

const states = (p: string) =>
  docker
    .cli(['ps', '-a', '--filter', `label=com.docker.compose.project=${p}`, '--format', '{{.Label "com.docker.compose.service"}} {{.State}}'])
    .split('\n')
    .filter(Boolean)
    .sort();
const volumes = (p: string) =>
  docker
    .cli(['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${p}`])
    .split('\n')
    .filter(Boolean);
/** Processes whose command line names the project (Compose and whatever it started). */
const processesOf = (p: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(p) && !l.startsWith('ps ')).length;

describe('compose lifecycle', () => {
  it('starts, stops and restarts one service; a service it does not have is refused in words', async () => {
    const { dir, name } = project({ services: { web: svc(), worker: svc() } });
    expect((await run('compose.up', { files: [dir] })).error).toBeUndefined();
    const stop = await run('compose.service', { project: name, service: 'worker', action: 'stop' });
    expect(stop.error).toBeUndefined();
    expect(stop.lines.join('\n')).toMatch(/worker-1\s+Stopped/);
    expect(states(name)).toEqual(['web running', 'worker exited']);
    const info = await t.call('compose.project', { project: name });
    expect(info.ok && info.value).toMatchObject({
      services: [
        { service: 'web', state: 'running' },
        { service: 'worker', state: 'exited' },
      ],
    });
    expect((await run('compose.service', { project: name, service: 'worker', action: 'start' })).error).toBeUndefined();
    expect(states(name)).toEqual(['web running', 'worker running']);
    const before = docker.cli(['inspect', '-f', '{{.State.StartedAt}}', `${name}-web-1`]);
    const restart = await run('compose.service', { project: name, service: 'web', action: 'restart' });
    expect(restart.error).toBeUndefined();
    expect(docker.cli(['inspect', '-f', '{{.State.StartedAt}}', `${name}-web-1`])).not.toBe(before);
    expect(states(name)).toEqual(['web running', 'worker running']);

    const missing = await run('compose.service', { project: name, service: 'nope', action: 'restart' });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND', message: `Compose project ${name} has no service nope: its services are web, worker.` });
    const badName = await run('compose.service', { project: name, service: '-x', action: 'start' });
    expect(badName.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const noProject = await run('compose.service', { project: `${name}-none`, service: 'web', action: 'start' });
    expect(noProject.error).toMatchObject({ code: 'NOT_FOUND' });

    // A file broken since the up: said with the file and line, nothing changed.
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: [oops\n');
    const broken = await run('compose.service', { project: name, service: 'web', action: 'stop' });
    expect(broken.error?.message).toBe(`The compose files of ${name} do not load: ${join(dir, 'compose.yaml')}: yaml: line 2: did not find expected ',' or ']'`);
    expect(states(name)).toEqual(['web running', 'worker running']);
    docker.cli(['rm', '-f', `${name}-web-1`, `${name}-worker-1`]);
    docker.cli(['network', 'rm', `${name}_default`]);
  });

  it('down runs with the project files: named volumes go with removeVolumes and stay without', async () => {
    const { dir, name } = project({ services: { web: svc({ volumes: ['data:/data'] }) }, volumes: { data: {} } });
    expect((await run('compose.up', { files: [dir], project: name })).error).toBeUndefined();
    expect((await run('compose.down', { project: name })).error).toBeUndefined();
    expect(states(name)).toEqual([]);
    expect(volumes(name)).toEqual([`${name}_data`]);
    expect((await run('compose.up', { files: [dir], project: name })).error).toBeUndefined();
    // Berth's own folder holds another, broken compose file: down reads the project's files, not that one.
    const { dir: stray } = project({});
    writeFileSync(join(stray, 'compose.yaml'), 'services: [oops\n');
    const cwd = process.cwd();
    process.chdir(stray);
    const down = await run('compose.down', { project: name, removeVolumes: true }).finally(() => process.chdir(cwd));
    expect(down.error).toBeUndefined();
    expect(down.lines.join('\n')).toMatch(/Volume .*_data\s+Removed/);
    expect(volumes(name)).toEqual([]);

    // Its own file broken since the up: down still takes the project down, by its name.
    expect((await run('compose.up', { files: [dir], project: name })).error).toBeUndefined();
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: [oops\n');
    expect((await run('compose.down', { project: name, removeVolumes: true })).error).toBeUndefined();
    expect(states(name)).toEqual([]);
  });

  it('pull takes images from a registry; build builds; a cancelled build leaves no process and keeps the old image', async () => {
    const registry = await startRegistry();
    const ref = `${registry.address}/berth-test/${uniq('pulled')}:1`;
    const { dir, name } = project(
      {
        services: {
          remote: { image: ref, stop_signal: 'SIGKILL', command: ['sleep', '600'] },
          made: { build: { context: '.' }, image: `${uniq('made')}:1`, stop_signal: 'SIGKILL', command: ['sleep', '600'] },
        },
      },
      { Dockerfile: `FROM ${TEST_IMAGE}\nRUN echo built > /built\n` },
    );
    const made = (JSON.parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as { services: { made: { image: string } } }).services.made.image;
    try {
      docker.cli(['tag', TEST_IMAGE, ref]);
      docker.cli(['push', ref]);
      docker.cli(['rmi', ref]);
      expect((await run('compose.up', { files: [dir], project: name, build: true })).error).toBeUndefined();
      expect(states(name)).toEqual(['made running', 'remote running']);
      docker.cli(['rmi', '-f', ref]);
      const pull = await run('compose.images', { project: name, verb: 'pull' });
      expect(pull.error).toBeUndefined();
      expect(pull.lines.join('\n')).toMatch(/remote\s+Pulled/);
      expect(docker.cli(['image', 'inspect', '-f', '{{.Id}}', ref])).toMatch(/^sha256:/);
      const build = await run('compose.images', { project: name, verb: 'build' });
      expect(build.error).toBeUndefined();
      const id = docker.cli(['image', 'inspect', '-f', '{{.Id}}', made]);

      // A build that sleeps, cancelled while it does: Compose and its children end, the tag stays the old image.
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo slow-${name} && sleep 120\n`);
      const slow = open('compose.images', { project: name, verb: 'build' });
      await waitFor(() => slow.lines.some((l) => l.includes('sleep 120')) || undefined, 60_000, 'the slow RUN');
      expect(processesOf(name)).toBeGreaterThan(0);
      slow.cancel();
      await slow.done;
      await waitFor(() => processesOf(name) === 0 || undefined, 15_000, 'compose to end');
      expect(docker.cli(['image', 'inspect', '-f', '{{.Id}}', made])).toBe(id);
      expect(states(name)).toEqual(['made running', 'remote running']);
    } finally {
      await run('compose.down', { project: name, removeVolumes: true });
      docker.cli(['rmi', '-f', ref, made]);
      await registry.stop();
    }
    expect(states(name)).toEqual([]);
  });

  it('watch syncs a changed host file into the container; a second watch is refused; stopping ends it and its children', async () => {
    const { dir, name } = project(
      {
        services: {
          app: {
            build: { context: '.' },
            image: `${uniq('watched')}:1`,
            stop_signal: 'SIGKILL',
            command: ['sleep', '600'],
            develop: { watch: [{ action: 'sync', path: './src', target: '/app' }] },
          },
        },
      },
      { Dockerfile: `FROM ${TEST_IMAGE}\nCOPY src /app\n`, 'src/hello.txt': 'one\n' },
    );
    const image = (JSON.parse(readFileSync(join(dir, 'compose.yaml'), 'utf8')) as { services: { app: { image: string } } }).services.app.image;
    try {
      expect((await run('compose.up', { files: [dir], project: name, build: true })).error).toBeUndefined();
      expect(docker.cli(['exec', `${name}-app-1`, 'cat', '/app/hello.txt'])).toBe('one');
      const w = open('compose.watch', { project: name });
      await waitFor(() => w.lines.some((l) => /watch/i.test(l)) || undefined, 60_000, 'watch to start');
      const twice = await run('compose.watch', { project: name });
      expect(twice.error).toMatchObject({ code: 'CONFLICT' });
      writeFileSync(join(dir, 'src', 'hello.txt'), 'two\n');
      await waitFor(() => docker.cli(['exec', `${name}-app-1`, 'cat', '/app/hello.txt']) === 'two' || undefined, 30_000, 'the sync');
      await waitFor(() => w.lines.some((l) => /sync/i.test(l)) || undefined, 10_000, 'a line of the sync');
      expect(w.lines).toContain('Watch enabled');
      w.cancel();
      expect(await w.done).toBeUndefined();
      await waitFor(() => processesOf(name) === 0 || undefined, 15_000, 'watch to end');
      writeFileSync(join(dir, 'src', 'hello.txt'), 'three\n');
      // a watch again after the stop is accepted
      const again = open('compose.watch', { project: name });
      await waitFor(() => again.lines.some((l) => /watch/i.test(l)) || undefined, 60_000, 'watch to start again');
      again.cancel();
      await again.done;
    } finally {
      await run('compose.down', { project: name });
      docker.cli(['rmi', '-f', image]);
    }
    expect(processesOf(name)).toBe(0);
  });

  it('watch of a project with no develop.watch is refused in words', async () => {
    const { dir, name } = project({ services: { web: svc() } });
    expect((await run('compose.up', { files: [dir], project: name })).error).toBeUndefined();
    const w = await run('compose.watch', { project: name });
    expect(w.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: `No service of ${name} says what to watch.` });
    expect(processesOf(name)).toBe(0);
    expect((await run('compose.down', { project: name })).error).toBeUndefined();
  });

  it("COMPOSE_FILE, COMPOSE_PROFILES and COMPOSE_PROJECT_NAME in Berth's own environment choose nothing", async () => {
    const { dir: other } = project({ services: { stray: svc() } });
    const { dir, name } = project({ services: { web: svc(), extra: svc({ profiles: ['extra'] }) } });
    const env = { ...process.env, COMPOSE_FILE: join(other, 'compose.yaml'), COMPOSE_PROFILES: 'extra', COMPOSE_PROJECT_NAME: 'stray' };
    const compose = new ComposeService(t.core.engine.docker, { dockerHost: docker.dockerHost, env, memory: new ComposeMemory(paths.composeProjects({ BERTH_HOME: TEST_DATA_DIR })) });
    await compose.up({ files: [dir] }, sink());
    expect(states(name)).toEqual(['web running']);
    expect(states('stray')).toEqual([]);
    await compose.service({ project: name, service: 'web', action: 'stop' }, sink());
    expect(states(name)).toEqual(['web exited']);
    await compose.down({ project: name, removeVolumes: true }, sink());
    expect(states(name)).toEqual([]);
  });
});

function sink(): StreamSink<string> {
  return { write: async () => {}, signal: new AbortController().signal, onInput: () => {} };
}
