import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { fakeHelper } from '../../../test/support/fake-credential-helper';
import { tempDir } from '../../../test/support/temp';
import { defaultStore, DockerLogins } from './docker-logins';

/** A PATH with no helper on it: else this machine's docker-credential-pass would be the CLI's default store. */
const NO_HELPERS = '/nonexistent';

/** A docker config folder with `text` as its config.json (none when undefined); no helper on PATH unless `env` says. */
function setup(text?: string, env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir('docker-logins');
  const file = join(dir, 'config.json');
  if (text !== undefined) writeFileSync(file, text, { mode: 0o640 });
  const read = () => readFileSync(file, 'utf8');
  return { dir, file, read, logins: new DockerLogins({ ...process.env, PATH: NO_HELPERS, ...env, DOCKER_CONFIG: dir }) };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');
const CLI_CONFIG = '{\n\t"auths": {},\n\t"currentContext": "lab",\n\t"plugins": {\n\t\t"debug": {\n\t\t\t"hooks": "exec"\n\t\t}\n\t},\n\t"aliases": {\n\t\t"builder": "buildx"\n\t}\n}\n';

describe('logins in the docker config itself (no helper)', () => {
  it('a login is written as `docker login` writes it, every other key and the mode as they were', async () => {
    const { file, read, logins } = setup(CLI_CONFIG);
    expect(await logins.save('127.0.0.1:5000', 'me', 'p:w')).toEqual({ kind: 'config', file });
    expect(read()).toBe(CLI_CONFIG.replace('"auths": {}', `"auths": {\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "${b64('me:p:w')}"\n\t\t}\n\t}`));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(await logins.auth('127.0.0.1:5000')).toEqual({ username: 'me', password: 'p:w', serveraddress: '127.0.0.1:5000' });
    expect(await logins.list()).toEqual([{ server: '127.0.0.1:5000', username: 'me', store: { kind: 'config', file } }]);
    expect(await logins.remove('127.0.0.1:5000')).toBe(true);
    expect(read()).toBe(CLI_CONFIG);
    expect(await logins.remove('127.0.0.1:5000')).toBe(false);
  });

  it("Docker Hub under the CLI's key; an entry keyed by a URL is found by its host; no file yet is made 0600", async () => {
    const { file, read, logins } = setup();
    await logins.save('docker.io', 'hubber', 'pw');
    expect(JSON.parse(read())).toEqual({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubber:pw') } } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await logins.auth('index.docker.io')).toMatchObject({ username: 'hubber', serveraddress: 'https://index.docker.io/v1/' });
    const other = setup(JSON.stringify({ auths: { 'https://reg.example.com/v2/': { auth: b64('u:p') }, 'tok.example.com': { identitytoken: 'tkn' } } }));
    expect(await other.logins.auth('reg.example.com')).toEqual({ username: 'u', password: 'p', serveraddress: 'reg.example.com' });
    expect(await other.logins.auth('tok.example.com')).toEqual({ identitytoken: 'tkn', serveraddress: 'tok.example.com' });
  });

  it('a config.json that is not JSON is left byte for byte, the login refused naming it; reads find nothing and say so once', async () => {
    const bad = '{\n\t"auths": {\n\t\t"reg:5000": { "auth": "dTpw" }\n\t,\n';
    const { file, read, logins } = setup(bad);
    await expect(logins.save('reg:5000', 'me', 'pw')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`${file} is not valid JSON`) });
    await expect(logins.remove('reg:5000')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(file) });
    expect(read()).toBe(bad);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await logins.auth('reg:5000')).toBeUndefined();
      expect(await logins.list()).toEqual([]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(file);
    } finally {
      warn.mockRestore();
    }
    expect(read()).toBe(bad);
  });

  it('a config.json behind a symlink (dotfiles) is written at its target; the link stays', async () => {
    const { dir, logins } = setup();
    mkdirSync(join(dir, 'dotfiles'));
    writeFileSync(join(dir, 'dotfiles', 'docker.json'), '{"credsStore": ""}');
    symlinkSync(join(dir, 'dotfiles', 'docker.json'), join(dir, 'config.json'));
    await logins.save('reg:5000', 'me', 'pw');
    expect(JSON.parse(readFileSync(join(dir, 'dotfiles', 'docker.json'), 'utf8'))).toEqual({ credsStore: '', auths: { 'reg:5000': { auth: b64('me:pw') } } });
  });
});

describe('logins kept by a credential helper', () => {
  it('credsStore: the secret goes to the helper, the config gets only the name (as the CLI writes it)', async () => {
    const dir = tempDir('helper');
    const fake = fakeHelper(dir);
    const before = JSON.stringify({ auths: { 'reg:5000': { auth: b64('old:plain') } }, credsStore: 'fake', proxies: { default: {} } }, null, '\t');
    const { file, read, logins } = setup(before, { PATH: fake.path });
    expect(await logins.target()).toEqual({ kind: 'helper', helper: 'docker-credential-fake', file });
    expect(await logins.save('reg:5000', 'me', 'pw')).toEqual({ kind: 'helper', helper: 'docker-credential-fake', file });
    expect(fake.store()).toEqual({ 'reg:5000': { Username: 'me', Secret: 'pw' } });
    expect(JSON.parse(read())).toEqual({ auths: { 'reg:5000': {} }, credsStore: 'fake', proxies: { default: {} } });
    expect(read()).not.toContain(b64('old:plain'));
    expect(await logins.auth('reg:5000')).toEqual({ username: 'me', password: 'pw', serveraddress: 'reg:5000' });
    expect(await logins.list()).toEqual([{ server: 'reg:5000', username: 'me', store: { kind: 'helper', helper: 'docker-credential-fake', file } }]);
    expect(await logins.remove('reg:5000')).toBe(true);
    expect(fake.store()).toEqual({});
    expect(JSON.parse(read())).toEqual({ auths: {}, credsStore: 'fake', proxies: { default: {} } });
  });

  it('credHelpers: a login for that registry goes to its helper, and the dialog says so for it alone', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const { file, read, logins } = setup(JSON.stringify({ auths: {}, credHelpers: { 'reg:5000': 'fake' } }), { PATH: fake.path });
    expect(await logins.target('reg:5000')).toEqual({ kind: 'helper', helper: 'docker-credential-fake', file });
    expect(await logins.target('other.example.com')).toEqual({ kind: 'config', file });
    expect(await logins.target()).toEqual({ kind: 'config', file }); // no registry typed yet: where most logins go
    expect(await logins.save('reg:5000', 'me', 'pw')).toEqual({ kind: 'helper', helper: 'docker-credential-fake', file });
    expect(fake.store()).toEqual({ 'reg:5000': { Username: 'me', Secret: 'pw' } });
    expect(JSON.parse(read())).toEqual({ auths: { 'reg:5000': {} }, credHelpers: { 'reg:5000': 'fake' } });
  });

  it('a helper that fails costs only its own logins in the list, the others listed and the failure logged', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const { logins } = setup(JSON.stringify({ credsStore: 'fake', credHelpers: { 'gone.example.com': 'gone' } }), { PATH: fake.path });
    await logins.save('reg:5000', 'me', 'pw');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect((await logins.list()).map((l) => l.server)).toEqual(['reg:5000']);
      expect(String(warn.mock.calls[0]?.[0])).toContain('docker-credential-gone');
    } finally {
      warn.mockRestore();
    }
  });

  it('what the docker CLI writes into config.json while a helper stores the login is kept', async () => {
    const dir = tempDir('helper');
    const { file, read, logins } = setup(JSON.stringify({ credsStore: 'slow', auths: {} }), { PATH: `${dir}:${process.env.PATH ?? ''}` });
    // A helper during whose store the CLI switches its context (what `docker context use` writes).
    const helper = join(dir, 'docker-credential-slow');
    writeFileSync(
      helper,
      `#!/usr/bin/env node\nlet i = '';\nprocess.stdin.on('data', (d) => (i += d)).on('end', () => {\n  const fs = require('fs');\n  const c = JSON.parse(fs.readFileSync(${JSON.stringify(file)}, 'utf8'));\n  fs.writeFileSync(${JSON.stringify(file)}, JSON.stringify({ ...c, currentContext: 'lab' }));\n});\n`,
    );
    chmodSync(helper, 0o755);
    await logins.save('reg:5000', 'me', 'pw');
    expect(JSON.parse(read())).toEqual({ credsStore: 'slow', auths: { 'reg:5000': {} }, currentContext: 'lab' });
  });

  it('credHelpers names the helper for its registry before credsStore; a missing one is said, naming it', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const { logins } = setup(JSON.stringify({ credsStore: 'fake', credHelpers: { 'gone.example.com': 'gone' } }), { PATH: fake.path });
    await logins.save('reg:5000', 'me', 'pw');
    await expect(logins.auth('gone.example.com')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('docker-credential-gone (credHelpers["gone.example.com"] in') });
    await expect(logins.save('gone.example.com', 'me', 'pw')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(fake.store()).toEqual({ 'reg:5000': { Username: 'me', Secret: 'pw' } });
  });

  it('an identity token a helper keeps goes to the engine as one', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const { logins } = setup(JSON.stringify({ credsStore: 'fake' }), { PATH: fake.path });
    await logins.save('docker.io', '<token>', 'refresh-token');
    expect(await logins.auth('docker.io')).toEqual({ identitytoken: 'refresh-token', serveraddress: 'https://index.docker.io/v1/' });
  });
});

describe("no store named: the docker CLI's own pick (checked against the CLI 26.1 and 28.2)", () => {
  /** A PATH of one folder: node (for the fake helpers), the helpers named, and a `pass` program if asked. */
  function bin(helpers: string[], opts: { pass?: boolean; fail?: boolean } = {}) {
    const dir = tempDir('default-store');
    symlinkSync(process.execPath, join(dir, 'node'));
    const fakes = Object.fromEntries(helpers.map((name) => [name, fakeHelper(dir, name)]));
    if (opts.pass) writeFileSync(join(dir, 'pass'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    return { env: { PATH: dir, ...(opts.fail ? { FAKE_HELPER_FAIL: 'pass not initialized' } : {}) }, fakes };
  }

  it('with `pass` installed and docker-credential-pass on PATH, a login goes to pass and the config names it, as `docker login` does', async () => {
    const { env } = bin(['pass'], { pass: true });
    writeFileSync(join(env.PATH, 'docker-credential-secretservice'), '#!/bin/sh\necho not this one; exit 1\n', { mode: 0o755 }); // installed too, not picked
    for (const text of [undefined, '{}', '{\n\t"auths": {},\n\t"psFormat": "x"\n}']) {
      const { file, read, logins } = setup(text, env);
      expect(await logins.target('reg:5000')).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file, picked: true });
      expect(await logins.save('reg:5000', 'me', 'pw')).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file, picked: true });
      expect(await logins.target('reg:5000')).toEqual({ kind: 'helper', helper: 'docker-credential-pass', file }); // named now
      expect(JSON.parse(read())).toEqual({ ...(text ? JSON.parse(text) : {}), auths: { 'reg:5000': {} }, credsStore: 'pass' });
      expect(await logins.auth('reg:5000')).toEqual({ username: 'me', password: 'pw', serveraddress: 'reg:5000' });
      expect(await logins.remove('reg:5000')).toBe(true);
    }
  }, 30_000); // a dozen runs of the fake helpers (node)

  it('without `pass` the pick is secretservice; a pick whose helper is not installed, or any login setup in the config, keeps the file', async () => {
    const noPass = bin(['pass', 'secretservice']);
    expect(await setup('{}', noPass.env).logins.target()).toMatchObject({ kind: 'helper', helper: 'docker-credential-secretservice' });
    const noHelper = bin(['secretservice'], { pass: true }); // the CLI looks only for its pick's helper
    expect(await setup('{}', noHelper.env).logins.target()).toMatchObject({ kind: 'config' });
    const both = bin(['pass'], { pass: true });
    for (const text of ['{"auths": {"old.example.com": {}}}', '{"credHelpers": {"other.example.com": "pass"}}']) {
      const { read, logins } = setup(text, both.env);
      expect(await logins.target('reg:5000')).toMatchObject({ kind: 'config' });
      await logins.save('reg:5000', 'me', 'pw');
      expect(JSON.parse(read()).auths['reg:5000']).toEqual({ auth: b64('me:pw') });
      expect(JSON.parse(read()).credsStore).toBeUndefined();
    }
    expect(both.fakes.pass!.calls()).toBe('');
  }, 30_000);

  it('a pick that fails (pass with no password store) is said as the default store; the config is left as it was', async () => {
    const { env } = bin(['pass'], { pass: true, fail: true });
    const { read, logins } = setup('{"psFormat": "x"}', env);
    await expect(logins.save('reg:5000', 'me', 'pw')).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringMatching(/docker-credential-pass \(the docker CLI's default store: .*config\.json names none.*\) failed to store a login: .*pass not initialized/),
    });
    expect(read()).toBe('{"psFormat": "x"}');
    // Read, it costs only its logins (a pull goes on without one), said once in the log.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(await logins.auth('reg:5000')).toBeUndefined();
      expect(await logins.auth('reg:5000')).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/docker-credential-pass .* failed to get a login: .*Berth goes on without a login from it/);
    } finally {
      warn.mockRestore();
    }
  });

  it('macOS picks osxkeychain and Windows wincred, when installed', () => {
    const { env } = bin(['osxkeychain']);
    expect(defaultStore(env, 'darwin')).toBe('osxkeychain');
    expect(defaultStore(env, 'win32')).toBeUndefined();
    expect(defaultStore(env, 'linux')).toBeUndefined();
  });
});
