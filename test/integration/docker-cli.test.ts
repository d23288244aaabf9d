/**
 * "Use Berth for the docker CLI" with the real docker CLI: switched on, a plain `docker ps` in a
 * new process (no --context, no DOCKER_HOST) reaches the engine at Berth's VM socket path (here a
 * link to the test engine's socket); switched off, the CLI's previous choice is back. A `berth`
 * context the user made, and a config.json that is not JSON, are left as they are.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../electron/main/event-hub';
import { DockerCliService, dockerConfigBackup } from '../../electron/main/services/docker-cli';
import { PreferencesService } from '../../electron/main/settings';
import { engine, madeByFile, uniq } from '../support/engine';
import { tempDir } from '../support/temp';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const made = madeByFile();

/** The CLIs a user may have: the one on PATH, and Debian's own when that is another. */
const CLIS = ['docker', ...(existsSync('/usr/bin/docker') && spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim() !== '/usr/bin/docker' ? ['/usr/bin/docker'] : [])];

/** A user's home: a docker config folder and Berth's data folder, whose VM socket is the test engine's; Berth's preferences on them. */
function home(cli: string) {
  const dir = tempDir('docker-cli');
  const env = { DOCKER_CONFIG: join(dir, 'docker'), BERTH_HOME: join(dir, 'berth') };
  mkdirSync(join(env.BERTH_HOME, 'run'), { recursive: true });
  symlinkSync(docker.socket, join(env.BERTH_HOME, 'run', 'docker.sock')); // where the VM daemon forwards the guest's docker.sock
  const settingsFile = join(env.BERTH_HOME, 'settings.json');
  const prefs = new PreferencesService(settingsFile, new EventHub(), new DockerCliService({ settingsFile, env }));
  /** The user's docker CLI in a new process: their config folder, nothing else naming an engine. */
  const user = (args: string[]) => {
    const { DOCKER_HOST: _h, DOCKER_CONTEXT: _c, DOCKER_CONFIG: _d, ...rest } = process.env;
    const r = spawnSync(cli, args, { encoding: 'utf8', env: { ...rest, HOME: dir, DOCKER_CONFIG: env.DOCKER_CONFIG }, timeout: 30_000 });
    return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
  };
  const config = join(env.DOCKER_CONFIG, 'config.json');
  const current = () => user(['context', 'ls', '--format', '{{if .Current}}{{.Name}}{{end}}']).out.split('\n').filter(Boolean);
  return { dir, env, prefs, user, config, current, settingsFile };
}

describe.each(CLIS)('the docker CLI switch, with %s', (cli) => {
  it('on: a plain `docker ps` reaches the engine at the VM socket; off: the previous named context is back', async () => {
    const h = home(cli);
    const name = uniq('cli-switch');
    made.push(name);
    docker.cli(['create', '--name', name, TEST_IMAGE]);
    expect(h.user(['context', 'create', 'lab', '--docker', 'host=unix:///tmp/berth-no-lab-engine.sock']).status).toBe(0);
    expect(h.user(['context', 'use', 'lab']).status).toBe(0);
    const before = readFileSync(h.config, 'utf8');
    expect(JSON.parse(before)).toMatchObject({ currentContext: 'lab' });
    expect(h.user(['ps', '-a']).status).not.toBe(0); // lab has no engine

    expect(await h.prefs.update({ dockerCli: true })).toMatchObject({ dockerCli: true });
    const ps = h.user(['ps', '-a', '--format', '{{.Names}}']);
    expect(ps).toMatchObject({ status: 0 });
    expect(ps.out.split('\n')).toContain(name);
    expect(h.current()).toEqual(['berth']);
    const inspect = JSON.parse(h.user(['context', 'inspect', 'berth']).out) as { Endpoints: { docker: { Host: string } }; Metadata: { Description: string } }[];
    expect(inspect[0]).toMatchObject({ Endpoints: { docker: { Host: `unix://${h.env.BERTH_HOME}/run/docker.sock` } }, Metadata: { Description: 'Berth VM' } });
    expect(readFileSync(dockerConfigBackup(h.config), 'utf8')).toBe(before);

    expect(await h.prefs.update({ dockerCli: false })).toMatchObject({ dockerCli: false });
    expect(readFileSync(h.config, 'utf8')).toBe(before);
    expect(h.current()).toEqual(['lab']);
    expect(h.user(['context', 'ls', '--format', '{{.Name}}']).out.split('\n')).toContain('berth'); // `docker --context berth` still works
    expect(h.user(['--context', 'berth', 'ps', '-a', '--format', '{{.Names}}']).out.split('\n')).toContain(name);
  });

  it('off: with no context chosen before, the CLI is back on its default', async () => {
    const h = home(cli);
    expect(h.current()).toEqual(['default']);
    await h.prefs.update({ dockerCli: true });
    expect(h.current()).toEqual(['berth']);
    expect(h.user(['ps']).status).toBe(0);
    await h.prefs.update({ dockerCli: false });
    expect(JSON.parse(readFileSync(h.config, 'utf8'))).toEqual({});
    expect(h.current()).toEqual(['default']);
  });

  it('leaves a berth context the user made alone, says so, and stays off', async () => {
    const h = home(cli);
    expect(h.user(['context', 'create', 'berth', '--description', 'my own', '--docker', 'host=tcp://127.0.0.1:1']).status).toBe(0);
    const e = await h.prefs.update({ dockerCli: true }).catch((x: unknown) => x);
    expect(e).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^A docker context named "berth" already exists in .* and Berth did not make it \(it points at tcp:\/\/127\.0\.0\.1:1\), so Berth leaves it as it is\.$/),
      hint: expect.stringContaining('docker context rm berth'),
    });
    expect((await h.prefs.get()).dockerCli).toBe(false);
    expect(JSON.parse(h.user(['context', 'inspect', 'berth']).out)[0]).toMatchObject({ Metadata: { Description: 'my own' }, Endpoints: { docker: { Host: 'tcp://127.0.0.1:1' } } });
    expect(h.current()).toEqual(['default']);

    expect(h.user(['context', 'rm', 'berth']).status).toBe(0); // the next step the message names
    await h.prefs.update({ dockerCli: true });
    expect(h.current()).toEqual(['berth']);
  });

  it('does not touch a config.json that is not JSON', async () => {
    const h = home(cli);
    mkdirSync(h.env.DOCKER_CONFIG, { recursive: true });
    writeFileSync(h.config, '{"auths": {"registry.example": {"auth": "bWU6c2VjcmV0"}');
    const e = await h.prefs.update({ dockerCli: true }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/config file .*config\.json is not valid JSON .*, so Berth does not change it\.$/) });
    expect(readFileSync(h.config, 'utf8')).toBe('{"auths": {"registry.example": {"auth": "bWU6c2VjcmV0"}');
    expect(readdirSync(h.env.DOCKER_CONFIG)).toEqual(['config.json']);
    expect((await h.prefs.get()).dockerCli).toBe(false);
  });
});
