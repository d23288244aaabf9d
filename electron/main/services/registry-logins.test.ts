import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('a damaged file', () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    afterEach(() => warnings.mockClear());
    const setup = (text: string) => {
      const dir = tempDir('logins');
      const file = join(dir, 'registries.json');
      writeFileSync(file, text);
      return { dir, file };
    };
    const copies = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('registries.json.bad-'));

    it('cut short: a new login is saved, and the file as it was is kept byte for byte', async () => {
      const whole = JSON.stringify({ 'reg:5000': { username: 'a', password: 'pa' }, 'other:5000': { username: 'b', password: 'pb' } }, null, 2);
      const cut = whole.slice(0, Math.floor(whole.length / 2));
      const { dir, file } = setup(cut);
      const logins = new RegistryLogins(file);
      expect(await logins.list()).toEqual([]);
      await logins.save('new:5000', 'c', 'pc');
      expect(await logins.list()).toEqual([{ server: 'new:5000', username: 'c' }]);
      expect(copies(dir)).toHaveLength(1);
      expect(readFileSync(join(dir, copies(dir)[0]!), 'utf8')).toBe(cut);
      expect(statSync(join(dir, copies(dir)[0]!)).mode & 0o777).toBe(0o600);
      expect(warnings.mock.calls.flat().join('\n')).toMatch(/not valid JSON[\s\S]*kept at/);
      await logins.save('new2:5000', 'd', 'pd'); // the file is whole now: no second copy
      expect(copies(dir)).toHaveLength(1);
    });

    it('with one bad login: only that one is dropped, with a warning; the others are kept, and the file as it was', async () => {
      const text = '{"good:5000":{"username":"a","password":"pa"},"bad:5000":{"username":7},"__proto__":{"username":"p","password":"pp"}}';
      const { dir, file } = setup(text);
      const logins = new RegistryLogins(file);
      expect(await logins.auth('good:5000')).toMatchObject({ username: 'a', password: 'pa' });
      await logins.save('new:5000', 'c', 'pc');
      expect((await logins.list()).map((l) => l.server).sort()).toEqual(['__proto__', 'good:5000', 'new:5000']);
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort()).toEqual(['__proto__', 'good:5000', 'new:5000']);
      expect(readFileSync(join(dir, copies(dir)[0]!), 'utf8')).toBe(text);
      expect(warnings.mock.calls.flat().join('\n')).toContain('"bad:5000" was dropped');
    });

    it('that cannot be read is not written over', async () => {
      const dir = tempDir('logins');
      const file = join(dir, 'registries.json');
      mkdirSync(file); // reading it fails (EISDIR), as a file without read permission would
      await expect(new RegistryLogins(file).save('new:5000', 'c', 'pc')).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('does not write over it') });
      expect(statSync(file).isDirectory()).toBe(true);
      expect(readdirSync(dir)).toEqual(['registries.json']);
    });
  });
});
