import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeHelper } from '../../../test/support/fake-credential-helper';
import { procStat } from '../../../test/support/proc';
import { until } from '../../../test/support/waits';
import { tempDir } from '../../../test/support/temp';
import { CredentialHelper } from './credential-helper';

const SOURCE = 'credsStore in /home/me/.docker/config.json';

describe('the credential-helper protocol, against a fake helper', () => {
  it('store, get, list, erase: the secret goes on stdin only, never as an argument', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const h = new CredentialHelper('fake', SOURCE, { ...process.env, PATH: fake.path });
    expect(await h.get('reg:5000')).toBeUndefined();
    await h.store('reg:5000', 'me', 'pa55-word');
    expect(fake.store()).toEqual({ 'reg:5000': { Username: 'me', Secret: 'pa55-word' } });
    expect(await h.get('reg:5000')).toEqual({ username: 'me', secret: 'pa55-word' });
    expect(await h.list()).toEqual({ 'reg:5000': 'me' });
    await h.erase('reg:5000');
    await h.erase('reg:5000'); // one it does not have: no fault
    expect(await h.list()).toEqual({});
    expect(fake.calls().split('\n').filter(Boolean)).toEqual(['get', 'store', 'get', 'list', 'erase', 'erase', 'list']);
  });

  it('a helper that is not installed is named, with where the config names it', async () => {
    const h = new CredentialHelper('nowhere', SOURCE, { ...process.env, PATH: tempDir('empty') });
    await expect(h.get('reg:5000')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `The credential helper docker-credential-nowhere (${SOURCE}) is not installed: it is not on the PATH.`,
      hint: expect.stringContaining('Install docker-credential-nowhere'),
    });
  });

  it('a helper that exits 1 is said with its words, and without the secret it was given', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const h = new CredentialHelper('fake', SOURCE, { ...process.env, PATH: fake.path, FAKE_HELPER_FAIL: 'the keyring is locked' });
    const e = await h.store('reg:5000', 'me', 'pa55-word').catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining(`docker-credential-fake (${SOURCE}) failed to store a login: it ended with exit 1: the keyring is locked`) });
    expect(JSON.stringify(e) + (e as Error).message).not.toContain('pa55-word');
    await expect(h.get('reg:5000')).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('failed to get a login') });
  });

  it('a helper that does not answer is stopped and said', async () => {
    const fake = fakeHelper(tempDir('helper'));
    const h = new CredentialHelper('fake', SOURCE, { ...process.env, PATH: fake.path, FAKE_HELPER_HANG: '1' }, 300);
    await expect(h.list()).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('did not answer in 0.3 s') });
  });

  it('a helper that does not answer is stopped with what it started (pass runs gpg), even one holding its output open', async () => {
    const dir = tempDir('helper');
    const pidFile = join(dir, 'grandchild.pid');
    // Like pass: a program of its own, which holds the helper's stdout open while it waits.
    writeFileSync(join(dir, 'docker-credential-slow'), `#!/bin/sh\nsleep 600 &\necho $! > ${pidFile}\nwait\n`, { mode: 0o755 });
    const h = new CredentialHelper('slow', SOURCE, { ...process.env, PATH: `${dir}:${process.env.PATH}` }, 300);
    await expect(h.list()).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: expect.stringContaining('did not answer in 0.3 s') });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await until(() => [undefined, 'Z'].includes(procStat(pid)?.fields[0])); // gone (or a zombie: dead, not yet reaped)
  });

  it('a name that is not a helper name (a path) is not run', async () => {
    await expect(new CredentialHelper('../../bin/sh', SOURCE).list()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("not a helper's name") });
  });
});
