import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSsh, parseSshG, readSshConfig, resolveSshHost } from './ssh-resolve';

const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-resolve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = join(dir, 'id_box');
writeFileSync(key, 'not read here');
const config = join(dir, 'config');
writeFileSync(
  config,
  ['Host box', '  HostName 127.0.0.9', '  User deploy', '  Port 2202', `  IdentityFile ${key}`, `  UserKnownHostsFile ${join(dir, 'kh')}`, 'Host jumped', '  ProxyJump me@bastion:2222', ''].join('\n'),
);

describe('ssh -G output', () => {
  it('gives user, hostname, port, identity files in order, proxyjump and known_hosts files', () => {
    const out = [
      'user deploy',
      'hostname 10.1.2.3',
      'port 2202',
      'identityfile ~/.ssh/id_rsa',
      'identityfile /k/second',
      'proxyjump j@jump:22',
      'userknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2',
      'hostkeyalias none',
    ].join('\n');
    expect(parseSshG(out, '/home/u')).toEqual({
      user: 'deploy',
      hostname: '10.1.2.3',
      port: 2202,
      identityFiles: ['/home/u/.ssh/id_rsa', '/k/second'],
      proxyJump: 'j@jump:22',
      knownHostsFiles: ['/home/u/.ssh/known_hosts', '/home/u/.ssh/known_hosts2'],
      hostKeyAlias: '10.1.2.3',
    });
  });
  it('no proxyjump ("none"), a bad port falls back to 22, HostKeyAlias names the host key', () => {
    const r = parseSshG('hostname h\nport 99999\nproxyjump none\nhostkeyalias other', '/h');
    expect(r).toMatchObject({ hostname: 'h', port: 22, hostKeyAlias: 'other', user: userInfo().username });
    expect(r.proxyJump).toBeUndefined();
  });
});

describe('the small ~/.ssh/config reader (no ssh client)', () => {
  it('first value wins, IdentityFile adds up, patterns and negation, Match skipped', () => {
    const text = [
      'Host !nope *.lan',
      '  User lan',
      '  IdentityFile /a',
      'Host a.lan',
      '  User ignored',
      '  IdentityFile=/b',
      '  HostName %h.example',
      'Match all',
      '  User matched',
      'Host *',
      '  Port 2022',
    ].join('\n');
    expect(parseSshG(readSshConfig(text, 'a.lan'), '/h')).toMatchObject({ user: 'lan', hostname: 'a.lan.example', port: 2022, identityFiles: ['/a', '/b'] });
    expect(parseSshG(readSshConfig(text, 'nope'), '/h')).toMatchObject({ hostname: 'nope', port: 2022, identityFiles: [] });
  });
});

describe('resolving a host', () => {
  const ssh = findSsh(process.env);
  it('finds the OpenSSH client', () => expect(ssh).toBeDefined());
  for (const [name, sshBinary] of [
    ['ssh -G', ssh],
    ['the small reader', undefined],
  ] as const) {
    it(`an alias through ${name}: HostName, User, Port, IdentityFile (only existing ones), UserKnownHostsFile`, () => {
      const r = resolveSshHost('box', {}, { home: dir, configFile: config, ...(sshBinary ? { sshBinary } : {}) });
      expect(r).toMatchObject({ user: 'deploy', hostname: '127.0.0.9', port: 2202, identityFiles: [key], knownHostsFiles: [join(dir, 'kh')] });
      expect(resolveSshHost('box', { user: 'root', port: 22 }, { home: dir, configFile: config, ...(sshBinary ? { sshBinary } : {}) })).toMatchObject({ user: 'root', port: 22 });
      expect(resolveSshHost('jumped', {}, { home: dir, configFile: config, ...(sshBinary ? { sshBinary } : {}) }).proxyJump).toBe('me@bastion:2222');
    });
    it(`no user anywhere through ${name}: the local user; no port: 22`, () => {
      expect(resolveSshHost('plain.example', {}, { home: dir, configFile: config, ...(sshBinary ? { sshBinary } : {}) })).toMatchObject({
        user: userInfo().username,
        hostname: 'plain.example',
        port: 22,
      });
    });
  }
  it("ssh -G's refusal (a bad config line) comes back in its words", () => {
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'Hots x\n');
    expect(() => resolveSshHost('x', {}, { home: dir, configFile: bad, sshBinary: ssh! })).toThrow(/ssh -G x failed: .*Bad configuration option/);
  });
});
