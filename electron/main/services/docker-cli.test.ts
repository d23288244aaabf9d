import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { BerthError } from '../../shared/errors';
import { contextMetaDir } from '../engine/docker-config';
import { EventHub } from '../event-hub';
import { asFileError, DockerCliService, dockerConfigBackup, withCurrentContext } from './docker-cli';
import { loadSettings, PreferencesService, updateSettings } from '../settings';

describe('withCurrentContext: only that member of the text changes', () => {
  const docker = '{\n\t"auths": {\n\t\t"registry:5000": {\n\t\t\t"auth": "dTpw"\n\t\t}\n\t},\n\t"currentContext": "lab",\n\t"plugins": {"x": [1, "a}\\"b", {"currentContext": "no"}]}\n}\n';
  it.each([
    ['sets a value that is there', docker, 'berth', docker.replace('"lab"', '"berth"')],
    ["adds one after the last member, in the file's layout", '{\n  "auths": {},\n  "n": 1.50\n}', 'berth', '{\n  "auths": {},\n  "n": 1.50,\n  "currentContext": "berth"\n}'],
    ['adds one to a compact file', '{"auths":{"a":{}}}', 'berth', '{"auths":{"a":{}},"currentContext":"berth"}'],
    ['adds one to an empty object', '  {}\n', 'berth', '  {\n\t"currentContext": "berth"\n}\n'],
    ['writes a new file', undefined, 'berth', '{\n\t"currentContext": "berth"\n}\n'],
    ['removes one in the middle', docker, null, docker.replace('\t"currentContext": "lab",\n', '')],
    ['removes the last one', '{\n  "a": 1,\n  "currentContext": "berth"\n}\n', null, '{\n  "a": 1\n}\n'],
    ['removes the only one', '{ "currentContext": "berth" }', null, '{}'],
    ['removes a key that is there twice', '{"currentContext": "a", "b": 2, "currentContext": "berth"}', null, '{"b": 2}'],
    ['sets the one the CLI reads when there are two', '{"currentContext": "a", "currentContext": "b"}', 'berth', '{"currentContext": "a", "currentContext": "berth"}'],
    ['leaves a file without one as it is', '{"a": [1, 2]}', null, '{"a": [1, 2]}'],
    ['keeps a byte order mark and escapes in keys', '\uFEFF{"we\\"ird": true, "currentContext":"x"}', 'y\u00e9"', '\uFEFF{"we\\"ird": true, "currentContext":"y\u00e9\\""}'],
  ])('%s', (_what, before, value, after) => {
    const out = withCurrentContext(before, value);
    expect(out).toBe(after);
    const parsed = JSON.parse(out.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    if (before !== undefined) {
      const { currentContext: _, ...rest } = JSON.parse(before.replace(/^\uFEFF/, '')) as Record<string, unknown>;
      const { currentContext, ...kept } = parsed;
      expect(kept).toEqual(rest);
      expect(currentContext).toBe(value ?? undefined);
    }
  });
});

it('withCurrentContext refuses a text that is not a JSON object instead of guessing', () => {
  for (const bad of ['{"a": "unterminated', '[1]', 'null', '']) expect(() => withCurrentContext(bad, 'berth')).toThrow();
});

/** A home with a docker config folder and Berth's data folder, and the service on them. */
function home() {
  const dir = tempDir('docker-cli');
  const env = { DOCKER_CONFIG: join(dir, 'docker'), BERTH_HOME: join(dir, 'berth') };
  const settingsFile = join(env.BERTH_HOME, 'settings.json');
  const config = join(env.DOCKER_CONFIG, 'config.json');
  const cli = new DockerCliService({ settingsFile, env });
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  const read = () => readFileSync(config, 'utf8');
  const restore = async () => (await loadSettings(settingsFile)).settings.dockerCliRestore;
  const meta = join(contextMetaDir('berth', env), 'meta.json');
  return { dir, env, settingsFile, config, cli, read, restore, meta };
}

const USER_CONFIG = '{\n\t"auths": {\n\t\t"registry.example": {\n\t\t\t"auth": "bWU6c2VjcmV0"\n\t\t}\n\t},\n\t"currentContext": "lab",\n\t"credsStore": "pass"\n}\n';

it('a file Berth cannot write on the way is said as that, never as an engine fault (EACCES as a user; root passes every check)', async () => {
  const denied = Object.assign(new Error("EACCES: permission denied, copyfile 'config.json'"), { code: 'EACCES', path: '/home/me/.docker/config.json' });
  await expect(asFileError(() => Promise.reject(denied), { DOCKER_CONFIG: '/home/me/.docker' })).rejects.toMatchObject({
    code: 'COMMAND_FAILED',
    message: "Berth could not change the docker CLI's settings (EACCES on /home/me/.docker/config.json).",
    hint: 'Check that /home/me/.docker and the files in it belong to you and can be written, then try again.',
  });
  const typed = new BerthError('CONFLICT', 'theirs');
  await expect(asFileError(() => Promise.reject(typed), {})).rejects.toBe(typed);
});

describe('DockerCliService', () => {
  it('on: writes the context, sets currentContext, keeps a backup and the previous name; off: puts it back', async () => {
    const h = home();
    writeFileSync(h.config, USER_CONFIG, { mode: 0o640 });
    await h.cli.enable();
    expect(JSON.parse(readFileSync(h.meta, 'utf8')).Endpoints.docker.Host).toBe(`unix://${h.env.BERTH_HOME}/run/docker.sock`);
    expect(h.read()).toBe(USER_CONFIG.replace('"lab"', '"berth"'));
    expect(statSync(h.config).mode & 0o777).toBe(0o640);
    expect(readFileSync(dockerConfigBackup(h.config), 'utf8')).toBe(USER_CONFIG);
    expect(statSync(dockerConfigBackup(h.config)).mode & 0o777).toBe(0o600);
    expect(await h.restore()).toEqual({ configFile: h.config, previousContext: 'lab' });
    await h.cli.disable();
    expect(h.read()).toBe(USER_CONFIG);
    expect(await h.restore()).toBeUndefined();
    expect(readdirSync(h.env.DOCKER_CONFIG).sort()).toEqual(['config.json', 'config.json.berth-backup', 'contexts']);
  });

  it('with no config file: makes one, and off removes the key again', async () => {
    const h = home();
    await h.cli.enable();
    expect(JSON.parse(h.read())).toEqual({ currentContext: 'berth' });
    expect(statSync(h.config).mode & 0o777).toBe(0o600);
    expect(existsSync(dockerConfigBackup(h.config))).toBe(false); // nothing to keep
    expect(await h.restore()).toEqual({ configFile: h.config, previousContext: null });
    await h.cli.disable();
    expect(JSON.parse(h.read())).toEqual({});
  });

  it('off leaves a context the user chose since; the backup is made once', async () => {
    const h = home();
    writeFileSync(h.config, USER_CONFIG);
    await h.cli.enable();
    writeFileSync(h.config, USER_CONFIG.replace('"lab"', '"mine"'));
    await h.cli.disable();
    expect(h.read()).toBe(USER_CONFIG.replace('"lab"', '"mine"'));
    await h.cli.enable();
    expect(await h.restore()).toMatchObject({ previousContext: 'mine' });
    expect(readFileSync(dockerConfigBackup(h.config), 'utf8')).toBe(USER_CONFIG); // the first one stays
  });

  it('a second on after one that did not finish keeps the first previous name', async () => {
    const h = home();
    writeFileSync(h.config, USER_CONFIG);
    await h.cli.enable(); // as if Berth stopped before it kept the preference
    await h.cli.enable();
    expect(await h.restore()).toMatchObject({ previousContext: 'lab' });
  });

  it('edits the target of a symlinked config.json, keeping the link', async () => {
    const h = home();
    const real = join(h.dir, 'dotfiles-config.json');
    writeFileSync(real, USER_CONFIG);
    symlinkSync(real, h.config);
    await h.cli.enable();
    expect(readFileSync(real, 'utf8')).toContain('"currentContext": "berth"');
    expect(readFileSync(h.config, 'utf8')).toContain('"currentContext": "berth"');
    expect(readFileSync(dockerConfigBackup(h.config), 'utf8')).toBe(USER_CONFIG); // in the docker folder, not beside the target
    expect(existsSync(dockerConfigBackup(real))).toBe(false);
    await h.cli.disable();
    expect(readFileSync(real, 'utf8')).toBe(USER_CONFIG);
    expect(lstatSync(h.config).isSymbolicLink()).toBe(true);
  });

  it.each([
    ['not JSON', '{"auths": {', /is not valid JSON/],
    ['a list', '[]', /does not hold a JSON object/],
  ])('refuses a config.json that is %s, writing nothing', async (_what, content, why) => {
    const h = home();
    writeFileSync(h.config, content);
    const e = (await h.cli.enable().catch((x: unknown) => x)) as BerthError;
    expect(e).toBeInstanceOf(BerthError);
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(why);
    expect(e.message).toMatch(/so Berth does not change it\.$/);
    expect(h.read()).toBe(content);
    expect(readdirSync(h.env.DOCKER_CONFIG)).toEqual(['config.json']); // no context, no backup
    expect(await h.restore()).toBeUndefined();
  });

  it('refuses when a berth context the user made is there, leaving it and config.json alone', async () => {
    const h = home();
    writeFileSync(h.config, USER_CONFIG);
    mkdirSync(join(h.meta, '..'), { recursive: true });
    const theirs = JSON.stringify({ Name: 'berth', Metadata: {}, Endpoints: { docker: { Host: 'tcp://boat:2375', SkipTLSVerify: false } } });
    writeFileSync(h.meta, theirs);
    const e = (await h.cli.enable().catch((x: unknown) => x)) as BerthError;
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toMatch(/A docker context named "berth" already exists .* \(it points at tcp:\/\/boat:2375\), so Berth leaves it as it is\./);
    expect(e.hint).toMatch(/docker context rm berth/);
    expect(readFileSync(h.meta, 'utf8')).toBe(theirs);
    expect(h.read()).toBe(USER_CONFIG);

    // Asked to replace it: their context is kept in Berth's data folder first, byte for byte.
    const copy = await h.cli.replaceForeign();
    expect(copy.startsWith(join(h.env.BERTH_HOME, 'docker-context-berth.replaced-'))).toBe(true);
    expect(readFileSync(copy, 'utf8')).toBe(theirs);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(h.meta, 'utf8')).Endpoints.docker.Host).toBe(`unix://${h.env.BERTH_HOME}/run/docker.sock`);
    expect(JSON.parse(h.read()).currentContext).toBe('berth');
  });
});

describe('PreferencesService and the docker CLI switch', () => {
  it('turns the switch on and off through the CLI config; a refusal keeps it off and pushes nothing', async () => {
    const h = home();
    const hub = new EventHub();
    const pushed: unknown[] = [];
    hub.on((name, p) => name === 'preferences:changed' && pushed.push(p));
    const prefs = new PreferencesService(h.settingsFile, hub, h.cli);
    writeFileSync(h.config, 'not json');
    await expect(prefs.update({ dockerCli: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await prefs.get()).dockerCli).toBe(false);
    expect(pushed).toEqual([]);

    writeFileSync(h.config, USER_CONFIG);
    expect(await prefs.update({ dockerCli: true })).toMatchObject({ dockerCli: true });
    expect(await prefs.update({ dockerCli: true, theme: 'dark' })).toMatchObject({ dockerCli: true, theme: 'dark' }); // no change: the file is not touched
    expect(h.read()).toBe(USER_CONFIG.replace('"lab"', '"berth"'));
    expect(await prefs.update({ dockerCli: false })).toMatchObject({ dockerCli: false });
    expect(h.read()).toBe(USER_CONFIG);
    expect(pushed).toHaveLength(3);
  });

  it('says so when this Berth has no docker CLI switch, and keeps the preference', async () => {
    const h = home();
    await updateSettings(h.settingsFile, (s) => s);
    const prefs = new PreferencesService(h.settingsFile, new EventHub());
    await expect(prefs.update({ dockerCli: true })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await prefs.update({ startVm: false })).toMatchObject({ startVm: false, dockerCli: false });
  });
});
