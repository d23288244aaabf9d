/**
 * Logins shared with the docker CLI, end to end: the real `docker` CLI and Debian's real
 * docker-credential-pass (a throwaway gpg key and password store), a real registry behind htpasswd,
 * and Berth's core on the private engine, all with one temp DOCKER_CONFIG. Whatever Berth sends
 * towards the renderer (API results, pushes, stream chunks) and whatever it logs is searched for
 * the password.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../electron/main/core';
import { engine, testCore, uniq, waitFor } from '../support/engine';
import { startRegistry, type Registry } from '../support/registry';
import { TEST_IMAGE } from '../support/test-image';

const docker = engine();
const PASSWORD = 'pw-shared-7d1f0c2e';
const user = { username: 'berth', password: PASSWORD };

const root = mkdtempSync(join(tmpdir(), 'berth-logins-'));
const configDir = join(root, 'docker');
const configFile = join(configDir, 'config.json');
/** A folder with only `docker` and the helpers a test puts there: the CLI finds no `pass` on it unless asked (it would pick pass as its default store). */
const bin = join(root, 'bin');
const env = { GNUPGHOME: join(root, 'gnupg'), PASSWORD_STORE_DIR: join(root, 'store'), DOCKER_CONFIG: configDir, PATH: `${bin}:${process.env.PATH ?? ''}` };
const cliEnv = (withPass: boolean) => ({ ...process.env, ...env, PATH: withPass ? env.PATH : bin });

/** The real docker CLI with the test's config; its status and words. */
function cli(args: string[], opts: { input?: string; withPass?: boolean } = {}) {
  const r = spawnSync('docker', ['-H', docker.dockerHost, ...args], { input: opts.input, encoding: 'utf8', timeout: 60_000, env: cliEnv(opts.withPass ?? false) });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const pass = (action: string, input = '') => spawnSync('docker-credential-pass', [action], { input, encoding: 'utf8', env: cliEnv(true) });

let registry: Registry;
let core: Core;
/** Everything that left the core: API results, pushes, stream chunks and errors; and every log line. */
const seen: string[] = [];
const logged: string[] = [];

async function call(method: string, args?: unknown) {
  const r = await core.router.handle(method, args);
  seen.push(JSON.stringify(r));
  return r;
}
async function ok(method: string, args?: unknown) {
  const r = await call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value;
}
async function stream(name: string, args: unknown) {
  const s = core.router.openStream(name, args, async (c) => void seen.push(JSON.stringify(c)));
  const error = await s.done;
  seen.push(JSON.stringify(error ?? null));
  return error;
}

beforeAll(async () => {
  mkdirSync(bin);
  symlinkSync(spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'docker'));
  mkdirSync(env.GNUPGHOME, { mode: 0o700 });
  const gpg = spawnSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'berth-test@example.invalid', 'default', 'default', 'never'], { encoding: 'utf8', env: cliEnv(true) });
  if (gpg.status !== 0) throw new Error(`gpg: ${gpg.stderr}`);
  const fpr = /^fpr:+([0-9A-F]+):/m.exec(spawnSync('gpg', ['--list-keys', '--with-colons'], { encoding: 'utf8', env: cliEnv(true) }).stdout)![1]!;
  const init = spawnSync('pass', ['init', fpr], { encoding: 'utf8', env: cliEnv(true) });
  if (init.status !== 0) throw new Error(`pass init: ${init.stderr}`);
  registry = await startRegistry(user);
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
  core = testCore(docker.dockerHost, env);
  core.hub.on((name, payload) => void seen.push(JSON.stringify([name, payload])));
  await waitFor(() => core.engine.getStatus().state === 'up', 10_000, 'engine up');
});

afterAll(async () => {
  for (const ref of made) docker.try(['rmi', ref]);
  core?.dispose();
  vi.restoreAllMocks();
  await registry?.stop();
  spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: cliEnv(true) });
  rmSync(root, { recursive: true, force: true });
});

const made: string[] = []; // tags of the shared test image: left, they would be its first tag in other files' lists
const tagged = (name: string) => {
  const ref = `${registry.address}/shared/${name}:${uniq('t')}`;
  docker.cli(['tag', TEST_IMAGE, ref]);
  made.push(ref);
  return ref;
};
const config = () => readFileSync(configFile, 'utf8');

describe('plain auths (no helper)', () => {
  it("a `docker login` in a terminal serves Berth's push and pull; Berth's logout takes it out of config.json", async () => {
    rmSync(configDir, { recursive: true, force: true });
    expect(cli(['login', '-u', user.username, '--password-stdin', registry.address], { input: PASSWORD })).toMatchObject({ status: 0 });
    expect(JSON.parse(config())).toMatchObject({ auths: { [registry.address]: { auth: Buffer.from(`berth:${PASSWORD}`).toString('base64') } } });
    expect(await ok('registries.list')).toEqual([{ server: registry.address, username: 'berth', store: { kind: 'config', file: configFile } }]);
    const ref = tagged('from-cli');
    expect(await stream('images.push', { ref })).toBeUndefined();
    docker.cli(['rmi', ref]);
    expect(await stream('images.pull', { ref })).toBeUndefined();

    await ok('registries.logout', { server: registry.address });
    expect(JSON.parse(config())).toEqual({ auths: {} });
    docker.cli(['rmi', ref]);
    expect(await stream('images.pull', { ref })).toMatchObject({ code: 'REGISTRY_AUTH' });
  });

  it('a login made in Berth beside an old plain one serves the real `docker push`, every other key of config.json kept as it was; the store is said unencrypted', async () => {
    mkdirSync(configDir, { recursive: true });
    // A login already in the file: the CLI then picks no default store, and neither does Berth.
    const old = `"auths": {\n\t\t"old.example.com": {\n\t\t\t"auth": "${Buffer.from('old:plain').toString('base64')}"\n\t\t}\n\t}`;
    const before = `{\n\t${old},\n\t"psFormat": "table {{.ID}}",\n\t"detachKeys": "ctrl-e,e",\n\t"proxies": {\n\t\t"default": {\n\t\t\t"noProxy": "127.0.0.1"\n\t\t}\n\t}\n}\n`;
    writeFileSync(configFile, before, { mode: 0o600 });
    expect(await ok('registries.store')).toEqual({ kind: 'config', file: configFile });
    expect(await ok('registries.login', { server: registry.address, ...user })).toEqual({ kind: 'config', file: configFile });
    const auth = Buffer.from(`berth:${PASSWORD}`).toString('base64');
    expect(config()).toBe(before.replace(old, `${old.slice(0, -3)},\n\t\t"${registry.address}": {\n\t\t\t"auth": "${auth}"\n\t\t}\n\t}`));
    const ref = tagged('from-berth');
    expect(cli(['push', ref], { withPass: true })).toMatchObject({ status: 0 });
    await ok('registries.logout', { server: registry.address });
    expect(config()).toBe(before);
    expect(cli(['push', tagged('after-logout')], { withPass: true }).out).toMatch(/no basic auth credentials|unauthorized/);
  });
});

describe("no store named: the docker CLI's own pick, the real docker-credential-pass", () => {
  it('with no login setup in config.json, the CLI and Berth both keep a login in pass and name it in the config', async () => {
    rmSync(configDir, { recursive: true, force: true });
    mkdirSync(configDir);
    writeFileSync(configFile, '{}', { mode: 0o600 });
    expect(cli(['login', '-u', user.username, '--password-stdin', registry.address], { input: PASSWORD, withPass: true })).toMatchObject({ status: 0 });
    const byCli = JSON.parse(config());
    expect(byCli).toEqual({ auths: { [registry.address]: {} }, credsStore: 'pass' });
    expect(cli(['logout', registry.address], { withPass: true })).toMatchObject({ status: 0 });
    expect(JSON.parse(pass('list').stdout)).toEqual({});

    writeFileSync(configFile, '{}', { mode: 0o600 });
    expect(await ok('registries.store')).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file: configFile, picked: true });
    expect(await ok('registries.login', { server: registry.address, ...user })).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file: configFile, picked: true });
    expect(JSON.parse(config())).toEqual(byCli);
    expect(JSON.parse(pass('get', registry.address).stdout)).toEqual({ ServerURL: registry.address, Username: 'berth', Secret: PASSWORD });
    const ref = tagged('default-store');
    expect(cli(['push', ref], { withPass: true })).toMatchObject({ status: 0 });
    await ok('registries.logout', { server: registry.address });
    expect(JSON.parse(pass('list').stdout)).toEqual({});
  });
});

describe('credsStore: the real docker-credential-pass', () => {
  it('a `docker login` kept by pass serves Berth; a login made in Berth goes to pass and serves `docker push`; logout erases it from pass', async () => {
    rmSync(configDir, { recursive: true, force: true });
    mkdirSync(configDir);
    writeFileSync(configFile, JSON.stringify({ credsStore: 'pass' }, null, '\t'), { mode: 0o600 });
    expect(cli(['login', '-u', user.username, '--password-stdin', registry.address], { input: PASSWORD, withPass: true })).toMatchObject({ status: 0 });
    expect(config()).not.toContain(Buffer.from(`berth:${PASSWORD}`).toString('base64'));
    expect(JSON.parse(pass('list').stdout)).toEqual({ [registry.address]: 'berth' });
    expect(await ok('registries.list')).toEqual([{ server: registry.address, username: 'berth', store: { kind: 'helper', helper: 'docker-credential-pass', file: configFile } }]);
    const ref = tagged('pass-from-cli');
    expect(await stream('images.push', { ref })).toBeUndefined();
    docker.cli(['rmi', ref]);
    expect(await stream('images.pull', { ref })).toBeUndefined();

    await ok('registries.logout', { server: registry.address });
    expect(JSON.parse(pass('list').stdout)).toEqual({});
    expect(JSON.parse(config()).auths ?? {}).toEqual({});
    expect(await ok('registries.list')).toEqual([]);

    expect(await ok('registries.store')).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file: configFile });
    expect(await ok('registries.login', { server: registry.address, ...user })).toMatchObject({ kind: 'helper' });
    expect(JSON.parse(pass('get', registry.address).stdout)).toEqual({ ServerURL: registry.address, Username: 'berth', Secret: PASSWORD });
    expect(JSON.parse(config())).toEqual({ credsStore: 'pass', auths: { [registry.address]: {} } });
    const mine = tagged('pass-from-berth');
    expect(cli(['push', mine], { withPass: true })).toMatchObject({ status: 0 });
    docker.cli(['rmi', mine]);
    expect(cli(['pull', mine], { withPass: true })).toMatchObject({ status: 0 });

    await ok('registries.logout', { server: registry.address });
    expect(JSON.parse(pass('list').stdout)).toEqual({});
    expect(cli(['push', tagged('pass-after-logout')], { withPass: true }).out).toMatch(/no basic auth credentials|unauthorized/);
  });
});

describe('a helper or a config Berth cannot use', () => {
  it('a helper that is not installed, and one that exits 1, are said naming the helper', async () => {
    writeFileSync(configFile, JSON.stringify({ credsStore: 'nowhere' }));
    const ref = tagged('no-helper');
    expect(await stream('images.push', { ref })).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('docker-credential-nowhere (credsStore in') });
    expect(await call('registries.login', { server: registry.address, ...user })).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('docker-credential-nowhere') },
    });

    writeFileSync(join(bin, 'docker-credential-broken'), '#!/bin/sh\ncat >/dev/null\necho "the keyring is locked"\nexit 1\n');
    chmodSync(join(bin, 'docker-credential-broken'), 0o755);
    writeFileSync(configFile, JSON.stringify({ credHelpers: { [registry.address]: 'broken' } }));
    // Where a login would go is said per registry: this one's helper, else the file.
    expect(await ok('registries.store', { server: registry.address })).toEqual({ kind: 'helper', helper: 'docker-credential-broken', file: configFile });
    expect(await ok('registries.store', { server: 'other.example.com' })).toEqual({ kind: 'config', file: configFile });
    expect(await call('registries.store', { server: 'not a host/..' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await stream('images.pull', { ref })).toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining(`docker-credential-broken (credHelpers["${registry.address}"] in ${configFile}) failed to get a login: it ended with exit 1: the keyring is locked`),
    });
    expect(await call('registries.login', { server: registry.address, ...user })).toMatchObject({
      ok: false,
      error: { code: 'COMMAND_FAILED', message: expect.stringContaining('failed to store a login') },
    });
  });

  it('a config.json that is not JSON is left byte for byte; the login is refused naming it', async () => {
    const bad = `{\n\t"auths": {\n\t\t"${registry.address}": { "auth": "eDp5" }\n\t,\n`;
    writeFileSync(configFile, bad);
    expect(await call('registries.login', { server: registry.address, ...user })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining(`${configFile} is not valid JSON`) },
    });
    expect(await call('registries.logout', { server: registry.address })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(config()).toBe(bad);
  });

  it('the password was in nothing Berth sent towards the renderer, nor in its log', () => {
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((s) => s.includes(PASSWORD))).toEqual([]);
    expect(logged.filter((s) => s.includes(PASSWORD))).toEqual([]);
  });
});
