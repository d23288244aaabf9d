import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { DockerLogins } from './docker-logins';
import { LoginsService } from './logins';
import { RegistryLogins } from './registry-logins';

/** A PATH with no credential helper on it (this machine's docker-credential-pass would be the CLI's default store). */
const NO_HELPERS = '/nonexistent';

function setup() {
  const dir = tempDir('logins');
  const berthFile = join(dir, 'berth', 'registries.json');
  const config = join(dir, 'docker', 'config.json');
  const logins = new LoginsService(new DockerLogins({ ...process.env, PATH: NO_HELPERS, DOCKER_CONFIG: join(dir, 'docker') }), new RegistryLogins(berthFile), berthFile);
  return { berthFile, config, logins, old: new RegistryLogins(berthFile) };
}

describe("Berth's own logins from before (registries.json) are kept", () => {
  it("read and listed as Berth's; the docker config's login for the same registry comes first", async () => {
    const { berthFile, config, logins, old } = setup();
    await old.save('old.example.com', 'kept', 'old-pw');
    await old.save('both.example.com', 'mine', 'berth-pw');
    expect(await logins.list()).toEqual([
      { server: 'both.example.com', username: 'mine', store: { kind: 'berth', file: berthFile } },
      { server: 'old.example.com', username: 'kept', store: { kind: 'berth', file: berthFile } },
    ]);
    expect(await logins.auth('old.example.com')).toMatchObject({ username: 'kept', password: 'old-pw' });
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, JSON.stringify({ auths: { 'both.example.com': { auth: Buffer.from('cli:cli-pw').toString('base64') } } }));
    expect(await logins.auth('both.example.com')).toMatchObject({ username: 'cli', password: 'cli-pw' });
    expect((await logins.list()).find((l) => l.server === 'both.example.com')).toEqual({ server: 'both.example.com', username: 'cli', store: { kind: 'config', file: config } });
  });

  it("a new login goes to the docker config and Berth's copy for that registry goes; a logout clears both; registries.json gets nothing new", async () => {
    const { berthFile, config, logins, old } = setup();
    await old.save('reg:5000', 'before', 'old-pw');
    await old.save('other:5000', 'other', 'other-pw');
    expect(await logins.save('reg:5000', 'now', 'new-pw')).toEqual({ kind: 'config', file: config });
    expect(await old.list()).toEqual([{ server: 'other:5000', username: 'other' }]);
    expect(await logins.auth('reg:5000')).toMatchObject({ username: 'now', password: 'new-pw' });
    await logins.save('third:5000', 'x', 'y');
    expect(readFileSync(berthFile, 'utf8')).not.toContain('third:5000');
    expect(await logins.remove('other:5000')).toBe(true);
    expect(await logins.remove('reg:5000')).toBe(true);
    expect(await logins.remove('reg:5000')).toBe(false);
    expect(await logins.list()).toEqual([{ server: 'third:5000', username: 'x', store: { kind: 'config', file: config } }]);
    expect(existsSync(berthFile)).toBe(true);
  });

  it("a logout whose docker-config helper is missing still removes Berth's own copy, and says the failure", async () => {
    const { config, logins, old } = setup();
    await old.save('reg:5000', 'before', 'old-pw');
    mkdirSync(dirname(config), { recursive: true });
    writeFileSync(config, JSON.stringify({ credsStore: 'nowhere-to-be-found' }));
    await expect(logins.remove('reg:5000')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('docker-credential-nowhere-to-be-found') });
    expect(await old.list()).toEqual([]);
  });
});
