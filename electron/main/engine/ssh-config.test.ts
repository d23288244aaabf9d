import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownHostKeys } from './ssh-config';
import { fingerprint } from './ssh-keys';

describe('known_hosts', () => {
  const a = randomBytes(51);
  const b = randomBytes(51);
  const hashed = (name: string) => {
    const salt = randomBytes(20);
    return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  };
  const file = [
    '# comment',
    `build.example.com,10.0.0.5 ssh-ed25519 ${a.toString('base64')}`,
    `[build.example.com]:2222 ssh-ed25519 ${b.toString('base64')}`,
    `${hashed('[127.0.0.1]:2200')} ssh-ed25519 ${b.toString('base64')}`,
    `@revoked build.example.com ssh-ed25519 ${b.toString('base64')}`,
  ].join('\n');

  it('finds plain and hashed entries, port-qualified as OpenSSH writes them', () => {
    expect(knownHostKeys(file, 'build.example.com', 22)).toEqual([fingerprint(a)]);
    expect(knownHostKeys(file, '10.0.0.5', 22)).toEqual([fingerprint(a)]);
    expect(knownHostKeys(file, 'build.example.com', 2222)).toEqual([fingerprint(b)]);
    expect(knownHostKeys(file, '127.0.0.1', 2200)).toEqual([fingerprint(b)]);
    expect(knownHostKeys(file, '127.0.0.1', 22)).toEqual([]);
  });
});
