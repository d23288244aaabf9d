/**
 * compose up with several files in order, an env file, profiles and --build, through the real
 * Compose CLI; its errors in words with the file and line; hostile paths; a cancel mid-up and two
 * ups of one project at once. After each failure and cancel, what is left with the project's
 * label is counted (containers, networks, volumes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ComposeService, projectNameFor } from '../../electron/main/services/compose';
import { ComposeMemory } from '../../electron/main/services/compose-memory';
import { paths } from '../../electron/main/paths';
import { connectedCore, engine, TEST_DATA_DIR, uniq, waitFor } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const t = connectedCore();
const svc = (extra: object = {}) => ({ image: TEST_IMAGE, pull_policy: 'never', stop_signal: 'SIGKILL', command: ['sleep', '600'], ...extra });
const json = (v: unknown) => JSON.stringify(v, null, 2); // JSON is YAML

/** A project folder whose name has spaces and starts with "-"; `name` is the project name Compose makes of it. */
function folder(): { dir: string; name: string } {
  const dir = join(tempDir('compose-opts'), `-my files ${uniq('opts')}`);
  mkdirSync(dir);
  return { dir, name: projectNameFor(dir) };
}

function runStream(name: 'compose.up' | 'compose.down', args: unknown) {
  const lines: string[] = [];
  const s = t.core.router.openStream(name, args, async (l) => void lines.push(l as string));
  return { done: s.done, cancel: s.cancel, lines };
}
const run = async (name: 'compose.up' | 'compose.down', args: unknown) => {
  const s = runStream(name, args);
  return { error: await s.done, lines: s.lines };
};

/** What the engine holds with the project's label. */
function left(project: string) {
  const count = (what: string[]) =>
    docker
      .cli([...what, '-q', '--filter', `label=com.docker.compose.project=${project}`])
      .split('\n')
      .filter(Boolean).length;
  return { containers: count(['ps', '-a']), networks: count(['network', 'ls']), volumes: count(['volume', 'ls']) };
}
const NOTHING = { containers: 0, networks: 0, volumes: 0 };

const running = (project: string) =>
  docker
    .cli(['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Label "com.docker.compose.service"}}'])
    .split('\n')
    .filter(Boolean)
    .sort();

describe('compose up with options', () => {
  it('two files in order, an env file, a profile and --build: the project as the files say together', async () => {
    const { dir, name } = folder();
    const base = join(dir, 'compose.yaml');
    const override = join(dir, '-override.yaml');
    const envFile = join(dir, 'env files', '.env test');
    mkdirSync(join(dir, 'env files'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN echo built > /built\n`);
    writeFileSync(
      base,
      json({
        services: {
          web: svc({ environment: { GREETING: '${GREETING:-none}', LEVEL: 'base' }, volumes: ['data:/data'] }),
          debug: svc({ profiles: ['debug'] }),
          tool: svc({ profiles: ['tools'] }),
        },
        volumes: { data: {} },
      }),
    );
    writeFileSync(override, json({ services: { web: { environment: { LEVEL: 'override' } }, app: svc({ image: `berth-test/${name}-app:1`, build: { context: './app' }, pull_policy: 'build' }) } }));
    writeFileSync(envFile, 'GREETING=hello from the env file\n');

    expect(await t.call('compose.profiles', { files: [base, override], envFile })).toEqual({ ok: true, value: ['debug', 'tools'] });
    const up = await run('compose.up', { files: [dir, override], envFile, profiles: ['debug'], build: true });
    expect(up.error).toBeUndefined();
    expect(running(name)).toEqual(['app', 'debug', 'web']); // tools' service not started: its profile is off
    const env = docker.cli(['inspect', '--format', '{{json .Config.Env}}', `${name}-web-1`]);
    expect(env).toContain('GREETING=hello from the env file');
    expect(env).toContain('LEVEL=override'); // the second file overrides the first
    expect(docker.cli(['exec', `${name}-app-1`, 'cat', '/built'])).toBe('built');
    const labels = docker.cli(['inspect', '--format', '{{index .Config.Labels "com.docker.compose.project.config_files"}}', `${name}-web-1`]);
    expect(labels).toBe(`${base},${override}`);

    expect((await run('compose.down', { project: name, removeVolumes: true })).error).toBeUndefined();
    expect(left(name)).toEqual(NOTHING);
    docker.try(['rmi', `berth-test/${name}-app:1`]);
  });

  it('a broken file, an unknown profile, a missing env file: said in words with the file and line, nothing made', async () => {
    const { dir, name } = folder();
    const base = join(dir, 'compose.yaml');
    const second = join(dir, 'second file.yaml');
    writeFileSync(base, json({ services: { web: svc({ profiles: ['debug'] }), api: svc() } }));

    writeFileSync(second, 'services:\n  api:\n    command: ["sleep", "1"\n');
    const yaml = await run('compose.up', { files: [base, second], project: name });
    const where = `The compose files do not load: ${second}: yaml: line `;
    expect(yaml.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringMatching(/: yaml: line \d+: did not find expected ',' or ']'$/) });
    expect(yaml.error?.message.startsWith(where)).toBe(true);
    expect(await t.call('compose.profiles', { files: [base, second] })).toMatchObject({ ok: false, error: { message: expect.stringContaining(where) } });

    writeFileSync(second, json({ services: { api: { portz: 1 } } }));
    const schema = await run('compose.up', { files: [base, second], project: name });
    expect(schema.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining(`${second}: services.api Additional property portz is not allowed`) });

    const profile = await run('compose.up', { files: [base], project: name, profiles: ['debug', 'nope'] });
    expect(profile.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'The project has no profile nope: its profiles are debug.' });

    const env = await run('compose.up', { files: [base], project: name, envFile: join(dir, 'missing.env') });
    expect(env.error).toMatchObject({ code: 'NOT_FOUND', message: `There is no env file ${join(dir, 'missing.env')} on this machine.` });

    expect((await run('compose.up', { files: [base], profiles: ['-rf'] })).error).toMatchObject({ code: 'INVALID_ARGUMENT' }); // a flag as a profile: refused by the schema
    const nameless = join(tempDir('compose-opts'), '___');
    mkdirSync(nameless);
    writeFileSync(join(nameless, 'compose.yaml'), json({ services: { api: svc() } }));
    expect((await run('compose.up', { files: [nameless] })).error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('is not a valid project name') });
    expect(left(name)).toEqual(NOTHING);
  });

  it('a cancel mid-up leaves nothing of a new project, its new volume included', async () => {
    const { dir, name } = folder();
    // api waits for db's health, which never comes: the up is caught in the middle.
    const db = svc({ healthcheck: { test: ['CMD', 'false'], interval: '1s', retries: 600 }, volumes: ['data:/data'] });
    writeFileSync(join(dir, 'compose.yaml'), json({ services: { db, api: svc({ depends_on: { db: { condition: 'service_healthy' } } }) }, volumes: { data: {} } }));
    const up = runStream('compose.up', { files: [dir], project: name });
    await waitFor(() => running(name).includes('db'), 30_000, 'db started');
    // A second up of the same project while this one runs is refused, and changes nothing.
    expect((await run('compose.up', { files: [dir], project: name })).error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`compose up of ${name} is running`) });
    expect((await run('compose.down', { project: name })).error).toMatchObject({ code: 'CONFLICT' });
    up.cancel();
    expect(await up.done).toBeUndefined();
    expect(left(name)).toEqual(NOTHING);
  });

  it('a volume that was there before a failed up of a new project is kept', async () => {
    const { dir, name } = folder();
    docker.cli(['volume', 'create', '--label', `com.docker.compose.project=${name}`, '--label', 'com.docker.compose.volume=data', `${name}_data`]);
    writeFileSync(join(dir, 'compose.yaml'), json({ services: { api: svc({ command: ['no-such-command'], volumes: ['data:/data'] }) }, volumes: { data: {} } }));
    const up = await run('compose.up', { files: [dir], project: name });
    expect(up.error).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('Nothing of the project is left behind') });
    expect(left(name)).toEqual({ containers: 0, networks: 0, volumes: 1 });
    docker.cli(['volume', 'rm', `${name}_data`]);
  });
});

describe('a compose project read back', () => {
  it('lists its services with their state, not created ones too, with the files and profiles Berth brought it up with', async () => {
    const { dir, name } = folder();
    const base = join(dir, 'compose.yaml');
    const dev = join(dir, 'dev file.yaml');
    writeFileSync(base, json({ services: { web: svc(), db: svc(), debug: svc({ profiles: ['debug'] }), tool: svc({ profiles: ['tools'] }) } }));
    writeFileSync(dev, json({ services: { job: svc({ command: ['sh', '-c', 'exit 3'] }) } }));
    expect((await run('compose.up', { files: [base, dev], profiles: ['debug'] })).error).toBeUndefined();
    await waitFor(() => docker.cli(['inspect', '--format', '{{.State.Status}}', `${name}-job-1`]) === 'exited', 10_000, 'job exited');
    docker.cli(['rm', '-f', `${name}-db-1`]);
    const info = await t.call('compose.project', { project: name });
    expect(info).toMatchObject({ ok: true, value: { project: name, files: [base, dev], profiles: ['debug'], workingDir: dir, source: 'berth' } });
    const rows = (info as { value: { services: { service: string; state: string; exitCode?: number }[] } }).value.services;
    expect(Object.fromEntries(rows.map((r) => [r.service, r.state]))).toEqual({ web: 'running', db: 'not created', debug: 'running', job: 'exited' }); // tools' service is not part of it
    expect(rows.find((r) => r.service === 'job')?.exitCode).toBe(3);
    // Kept on disk: another Berth on this data folder reads the same.
    const again = new ComposeService(t.core.engine.docker, { dockerHost: docker.dockerHost, memory: new ComposeMemory(paths.composeProjects({ BERTH_HOME: TEST_DATA_DIR })) });
    expect(await again.project(name)).toMatchObject({ source: 'berth', profiles: ['debug'] });
    expect((await run('compose.down', { project: name })).error).toBeUndefined();
    expect(left(name)).toEqual(NOTHING);
  });

  it('a project started elsewhere is read from its containers’ labels; one Berth knows nothing of is refused', async () => {
    const { dir, name } = folder();
    writeFileSync(join(dir, 'compose.yaml'), json({ services: { web: svc(), later: svc({ profiles: ['later'] }) } }));
    writeFileSync(join(dir, '-extra.yaml'), json({ services: { api: svc() } }));
    docker.cli(['compose', `--file=${join(dir, 'compose.yaml')}`, `--file=${join(dir, '-extra.yaml')}`, '--project-name', name, 'up', '-d']);
    const info = await t.call('compose.project', { project: name });
    expect(info).toMatchObject({ ok: true, value: { source: 'labels', files: [join(dir, 'compose.yaml'), join(dir, '-extra.yaml')], workingDir: dir, profiles: [] } });
    expect((info as { value: { services: { service: string; state: string }[] } }).value.services.map((r) => `${r.service} ${r.state}`).sort()).toEqual(['api running', 'web running']);
    docker.cli(['compose', '--project-name', name, 'down']);
    expect(await t.call('compose.project', { project: uniq('none').replace(/[^a-z0-9-]/g, '') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
