import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { RegistryLogins, type SecretCodec } from './registry-logins';

/** Stands in for the keychain: reversible, and visibly not the plain text. */
const fakeKeychain: SecretCodec = { seal: (p) => `sealed:${Buffer.from(p).toString('hex')}`, open: (s) => Buffer.from(s.slice(7), 'hex').toString() };

describe('registry logins', () => {
  it('with a keychain: only the sealed password is written (0600), and it opens for the engine', async () => {
    const file = join(tempDir('logins'), 'registries.json');
    const logins = new RegistryLogins(file, fakeKeychain);
    await logins.save('https://index.docker.io/v1/', 'me', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await logins.list()).toEqual([{ server: 'docker.io', username: 'me' }]);
    expect(await logins.auth('docker.io')).toEqual({ username: 'me', password: 'hunter2', serveraddress: 'https://index.docker.io/v1/' });
  });

  it('without one (browser mode) reads plain entries, and does not pretend to open sealed ones', async () => {
    const file = join(tempDir('logins'), 'registries.json');
    await new RegistryLogins(file, fakeKeychain).save('reg:5000', 'a', 'sealed-pass');
    await new RegistryLogins(file).save('other:5000', 'b', 'plain-pass');
    const plain = new RegistryLogins(file);
    expect(await plain.auth('other:5000')).toMatchObject({ password: 'plain-pass' });
    expect(await plain.auth('reg:5000')).toBeUndefined();
    expect(await new RegistryLogins(file, fakeKeychain).auth('other:5000')).toMatchObject({ password: 'plain-pass' });
    expect(await plain.remove('reg:5000')).toBe(true);
    expect(await plain.remove('reg:5000')).toBe(false);
  });
});
