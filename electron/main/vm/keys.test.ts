import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths, publicKeyOf } from '../paths';
import { vmKeys } from './keys';

const dir = mkdtempSync(join(tmpdir(), 'berth-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the VM keys', () => {
  it('are made once per install, private halves 0600, and the guest gets what it needs in the seed', () => {
    const env = { BERTH_HOME: join(dir, 'a') };
    const first = vmKeys(env);
    expect(vmKeys(env)).toEqual(first); // kept, not made again
    for (const f of [paths.vmClientKey(env), paths.vmHostKey(env)]) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(first.hostKeyFingerprint).toMatch(/^SHA256:/);
    expect(Object.keys(first.seed).sort()).toEqual(['authorized_keys', 'ssh_host_ed25519_key']);
    expect(first.seed.authorized_keys).toMatch(/^ssh-ed25519 /);
    expect(vmKeys({ BERTH_HOME: join(dir, 'b') }).hostKeyFingerprint).not.toBe(first.hostKeyFingerprint); // per install
  });

  it('a host key that cannot be read is said with the next step', () => {
    const env = { BERTH_HOME: join(dir, 'c') };
    vmKeys(env);
    writeFileSync(publicKeyOf(paths.vmHostKey(env)), 'not a key\n');
    expect(() => vmKeys(env)).toThrow(expect.objectContaining({ code: 'COMMAND_FAILED', hint: 'Remove it and the key beside it; the next start makes a new pair.' }));
  });
});
