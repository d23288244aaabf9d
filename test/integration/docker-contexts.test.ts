/**
 * The docker CLI's contexts, made by the real `docker context create` in a temp DOCKER_CONFIG:
 * resolved as the CLI orders them, listed by Berth's core under their names, and chosen in Berth
 * without a byte of the CLI's config.json changing. One points at the test engine's socket.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/main/core';
import { contextMetaDir } from '../../electron/main/engine/docker-config';
import { activeDockerHost, vmDockerHost } from '../../electron/main/services/contexts';
import { loadSettings, settingsSchema } from '../../electron/main/settings';
import { engine, waitFor } from '../support/engine';
import { CLI } from '../support/node-process';
import { makeTestCa } from '../support/test-ca';

const docker = engine();
const home = mkdtempSync(join(tmpdir(), 'berth-docker-contexts-'));
const config = join(home, 'docker');
const configFile = join(config, 'config.json');
const settingsFile = join(home, 'berth', 'settings.json');
/** Nothing but the docker config names an engine (no BERTH_DOCKER_HOST, DOCKER_HOST or DOCKER_CONTEXT). */
const env: NodeJS.ProcessEnv = { ...process.env, BERTH_HOME: join(home, 'berth'), DOCKER_CONFIG: config, BERTH_VM: 'mock', BERTH_DOCKER_HOST: '', DOCKER_HOST: '', DOCKER_CONTEXT: '' };
const cli = (...args: string[]) => execFileSync('docker', args, { env: { PATH: process.env.PATH, HOME: home, DOCKER_CONFIG: config }, encoding: 'utf8' }).trim();
let core: Core | undefined;
let before: Buffer;

beforeAll(() => {
  cli('context', 'create', 'harness', '--description', 'the test engine', '--docker', `host=${docker.dockerHost}`);
  cli('context', 'create', 'nowhere', '--docker', 'host=unix:///tmp/berth-no-such-engine.sock');
  const ca = makeTestCa(home);
  cli('context', 'create', 'tlsbox', '--docker', `host=tcp://127.0.0.1:2376,ca=${ca}`);
  cli('context', 'use', 'harness');
  const broken = contextMetaDir('broken', { DOCKER_CONFIG: config });
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, 'meta.json'), '{"Name": "broken", "Endpoints": '); // what no CLI writes: by hand
  before = readFileSync(configFile);
});
afterAll(() => {
  core?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe("the docker CLI's contexts in Berth", () => {
  it('follows the current context to the real engine, lists every context by name, and a choice leaves config.json as it was', async () => {
    const dockerHost = activeDockerHost((await loadSettings(settingsFile)).settings, env); // as `berth start` does
    expect(dockerHost).toBe(docker.dockerHost);
    core = createCore({ dockerHost, env, settingsFile, runDir: join(home, 'berth', 'run'), registriesFile: join(home, 'berth', 'registries.json'), engine: { retryMinMs: 100, retryMaxMs: 500 } });
    await waitFor(() => core!.engine.getStatus().state === 'up' || undefined, 10_000, 'engine up');

    const listed = await core.router.handle('contexts.list');
    expect(listed).toMatchObject({ ok: true });
    const { contexts, problems } = (listed as { value: { contexts: { name: string }[]; problems: string[] } }).value;
    expect(contexts.map((c) => c.name)).toEqual(['default', 'berth-vm', 'harness', 'nowhere', 'tlsbox']);
    expect(contexts).toEqual([
      expect.objectContaining({ name: 'default', host: 'unix:///var/run/docker.sock', active: false, source: 'docker-cli' }),
      expect.objectContaining({ name: 'berth-vm', host: vmDockerHost(env), active: false, source: 'berth' }),
      { name: 'harness', host: docker.dockerHost, active: true, builtIn: true, source: 'docker-cli', description: 'the test engine', why: `from currentContext in ${configFile}` },
      { name: 'nowhere', host: 'unix:///tmp/berth-no-such-engine.sock', active: false, builtIn: true, source: 'docker-cli' },
      // its ca.pem in contexts/tls/<sha256 of the name>/docker/: usable over TLS (test/integration/tls-engine.test.ts reaches one)
      {
        name: 'tlsbox',
        host: 'tcp://127.0.0.1:2376',
        active: false,
        builtIn: true,
        source: 'docker-cli',
        tls: { verify: true, dir: expect.stringMatching(/\/contexts\/tls\/[0-9a-f]{64}\/docker$/), ca: expect.stringMatching(/ca\.pem$/) },
      },
    ]);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^A docker CLI context cannot be read: ${contextMetaDir('broken', { DOCKER_CONFIG: config })}/meta\\.json is not valid JSON`))]);
    expect(await core.router.handle('containers.list')).toMatchObject({ ok: true });

    expect(await core.router.handle('contexts.use', { name: 'nowhere' })).toMatchObject({ ok: true });
    await waitFor(() => core!.engine.getStatus().state === 'unreachable' || undefined, 10_000, 'unreachable');
    expect(core.engine.getStatus().endpoint).toBe('unix:///tmp/berth-no-such-engine.sock');
    expect(await core.router.handle('contexts.use', { name: 'harness' })).toMatchObject({ ok: true });
    await waitFor(() => core!.engine.getStatus().state === 'up' || undefined, 10_000, 'up again');
    expect(await core.router.handle('contexts.remove', { name: 'nowhere' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', hint: expect.stringContaining('docker context rm nowhere') } });

    expect(readFileSync(configFile).equals(before)).toBe(true); // byte for byte: Berth's choice is not the CLI's
    expect(cli('context', 'show')).toBe('harness');
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toMatchObject({ activeContext: 'harness' });
  });

  it('DOCKER_CONTEXT over currentContext; one that does not exist, or an ssh alias Berth cannot read yet: the VM, and a core that starts', () => {
    const settings = settingsSchema.parse({}); // nothing chosen in Berth
    expect(activeDockerHost(settings, { ...env, DOCKER_CONTEXT: 'nowhere' })).toBe('unix:///tmp/berth-no-such-engine.sock');
    expect(activeDockerHost(settings, { ...env, DOCKER_HOST: docker.dockerHost, DOCKER_CONTEXT: 'nowhere' })).toBe(docker.dockerHost);
    expect(activeDockerHost(settings, { ...env, DOCKER_CONTEXT: 'missing' })).toBe(vmDockerHost(env));
    cli('context', 'create', 'alias', '--docker', 'host=ssh://some-alias:0'); // port 0: an address Berth cannot use
    const aliasEnv = { ...env, DOCKER_CONTEXT: 'alias' };
    const host = activeDockerHost(settings, aliasEnv);
    expect(host).toBe(vmDockerHost(env));
    const vmCore = createCore({ dockerHost: host, env: aliasEnv, settingsFile: join(home, 'other-settings.json'), runDir: join(home, 'berth', 'run') }); // what threw before, and made `berth start` exit 1
    vmCore.dispose();
  });

  it('berth serve, with the current context an ssh alias Berth cannot read yet: says so, serves with the VM, does not exit', async () => {
    const berthHome = join(home, 'serve');
    mkdirSync(berthHome);
    writeFileSync(join(berthHome, 'settings.json'), JSON.stringify({ preferences: { startVm: false } }));
    cli('context', 'use', 'alias');
    const served = spawn(process.execPath, [CLI, 'serve'], { env: { ...env, BERTH_HOME: berthHome } });
    try {
      let out = '';
      served.stdout.on('data', (d: Buffer) => (out += d));
      served.stderr.on('data', (d: Buffer) => (out += d));
      await new Promise<void>((done, fail) => {
        served.once('exit', (code) => fail(new Error(`berth serve exited ${code}: ${out}`)));
        served.stdout.on('data', () => /http:\/\/127\.0\.0\.1:\d+/.test(out) && done());
      });
      expect(out).toContain(`berth: currentContext in ${configFile} names "alias", which Berth cannot use: Berth cannot use the address ssh://some-alias:0 yet`);
      expect(out).toContain('Berth uses its VM instead.');
      expect(out).toContain(`engine ${vmDockerHost({ BERTH_HOME: berthHome })}`);
    } finally {
      served.kill('SIGKILL');
      cli('context', 'use', 'harness');
    }
  });
});
