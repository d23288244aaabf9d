import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsSet, signCert } from '../../../test/support/test-ca';
import { contextMetaDir, listDockerContexts, tlsFromEnv } from './docker-config';
import { engineCliEnv, explainTlsError, loadTls, readTls, tlsFilesIn } from './tls';

let dir = '';
let set: ReturnType<typeof makeTlsSet>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  set = makeTlsSet(join(dir, 'set'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const folder = (name: string, files: Record<string, string>) => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, from] of Object.entries(files)) copyFileSync(from, join(d, f));
  return d;
};

describe('which files, as the docker CLI picks them', () => {
  it('DOCKER_TLS_VERIFY (any non-empty value) verifies against DOCKER_CERT_PATH, else ~/.docker; DOCKER_TLS alone does not verify', () => {
    const home = join(dir, 'home');
    expect(tlsFromEnv({}, home)).toBeUndefined();
    expect(tlsFromEnv({ DOCKER_TLS_VERIFY: '' }, home)).toBeUndefined();
    expect(tlsFromEnv({ DOCKER_TLS_VERIFY: '0' }, home)).toEqual({ verify: true, dir: join(home, '.docker'), ca: join(home, '.docker', 'ca.pem') });
    expect(tlsFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CONFIG: join(dir, 'cfg') }, home)).toMatchObject({ dir: join(dir, 'cfg') });
    expect(tlsFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: set.certPath }, home)).toEqual({
      verify: true,
      dir: set.certPath,
      ca: join(set.certPath, 'ca.pem'),
      cert: join(set.certPath, 'cert.pem'),
      key: join(set.certPath, 'key.pem'),
    });
    // TLS without verification: no CA read, the client pair still sent
    expect(tlsFromEnv({ DOCKER_TLS: '1', DOCKER_CERT_PATH: set.certPath }, home)).toEqual({
      verify: false,
      dir: set.certPath,
      cert: join(set.certPath, 'cert.pem'),
      key: join(set.certPath, 'key.pem'),
    });
  });

  it('a lone cert.pem or key.pem keeps both names, so the missing one is said', () => {
    const only = folder('only-cert', { 'ca.pem': set.ca, 'cert.pem': join(set.certPath, 'cert.pem') });
    expect(tlsFilesIn(only, true, { caRequired: false })).toMatchObject({ cert: join(only, 'cert.pem'), key: join(only, 'key.pem') });
    expect(readTls(tlsFilesIn(only, true, { caRequired: false }))).toEqual({
      problem: `The client key ${join(only, 'key.pem')} does not exist: the client certificate ${join(only, 'cert.pem')} needs its key beside it.`,
    });
  });

  it("a CLI context's TLS folder: its CA when there, SkipTLSVerify without verification, none without material", () => {
    const env = { DOCKER_CONFIG: join(dir, 'ctx-config') };
    const meta = (name: string, skip: boolean) => {
      mkdirSync(contextMetaDir(name, env), { recursive: true });
      writeFileSync(join(contextMetaDir(name, env), 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: 'tcp://127.0.0.1:2376', SkipTLSVerify: skip } } }));
      return join(contextMetaDir(name, env), '..', '..', 'tls', contextMetaDir(name, env).split('/').pop()!, 'docker');
    };
    const full = meta('full', false);
    mkdirSync(full, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) copyFileSync(join(set.certPath, f), join(full, f));
    const noCa = meta('no-ca', false);
    mkdirSync(noCa, { recursive: true });
    copyFileSync(join(set.certPath, 'cert.pem'), join(noCa, 'cert.pem'));
    copyFileSync(join(set.certPath, 'key.pem'), join(noCa, 'key.pem'));
    meta('skip', true);
    meta('plain', false);
    const byName = Object.fromEntries(listDockerContexts(env).map((c) => [c.name, c.tls]));
    expect(byName).toEqual({
      full: { verify: true, dir: full, ca: join(full, 'ca.pem'), cert: join(full, 'cert.pem'), key: join(full, 'key.pem') },
      'no-ca': { verify: true, dir: noCa, cert: join(noCa, 'cert.pem'), key: join(noCa, 'key.pem') }, // the system's CAs, as the CLI
      skip: { verify: false, dir: meta('skip', true) },
      plain: undefined,
    });
  });
});

describe('the files read, each problem naming its file', () => {
  it('reads a good set', () => {
    const r = readTls(tlsFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: set.certPath })!);
    expect(r).toMatchObject({ material: { verify: true, ca: readFileSync(set.ca) } });
  });

  it('a missing CA, an unreadable one, one that is no certificate', () => {
    const empty = folder('empty', {});
    expect(readTls(tlsFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty })!)).toEqual({
      problem: `The CA certificate ${join(empty, 'ca.pem')} does not exist: it is the CA the engine's certificate is verified against.`,
    });
    const junk = folder('junk', {});
    writeFileSync(join(junk, 'ca.pem'), 'not a certificate');
    expect(readTls({ verify: true, dir: junk, ca: join(junk, 'ca.pem') })).toEqual({ problem: `The CA certificate ${join(junk, 'ca.pem')} holds no PEM certificate.` });
    if (process.getuid?.() !== 0) {
      chmodSync(join(junk, 'ca.pem'), 0);
      expect(readTls({ verify: true, dir: junk, ca: join(junk, 'ca.pem') })).toEqual({ problem: expect.stringMatching(/cannot be read \(EACCES\)/) });
    }
    // Hostile files: a FIFO (would block), a device (endless), a folder, one too big for a PEM file.
    const odd = folder('odd', {});
    execFileSync('mkfifo', [join(odd, 'fifo.pem')]);
    symlinkSync('/dev/zero', join(odd, 'zero.pem'));
    mkdirSync(join(odd, 'dir.pem'));
    writeFileSync(join(odd, 'big.pem'), Buffer.alloc(2 * 1024 * 1024, 'A'));
    for (const [f, why] of [
      ['fifo.pem', 'is not a regular file'],
      ['zero.pem', 'is not a regular file'],
      ['dir.pem', 'is not a regular file'],
      ['big.pem', 'is 2097152 bytes, more than a PEM file holds (at most 1048576)'],
    ])
      expect(readTls({ verify: true, dir: odd, ca: join(odd, f!) })).toEqual({ problem: `The CA certificate ${join(odd, f!)} ${why}: it is the CA the engine's certificate is verified against.` });
    expect(() => loadTls({ verify: true, dir: empty, ca: join(empty, 'ca.pem') }, 'tcp://127.0.0.1:2376')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Berth cannot reach tcp:\/\/127\.0\.0\.1:2376 over TLS: The CA certificate .*ca\.pem does not exist/) }),
    );
  });

  it("a key that is not the certificate's, an encrypted key, an expired client certificate, a missing pair", () => {
    const other = signCert(set.caDir, join(dir, 'other-client'), 'other', { client: true });
    const mixed = folder('mixed', { 'cert.pem': join(set.certPath, 'cert.pem'), 'key.pem': other.key });
    expect(readTls(tlsFilesIn(mixed, false, { caRequired: false }))).toEqual({ problem: `The client key ${join(mixed, 'key.pem')} is not the key of the certificate ${join(mixed, 'cert.pem')}.` });
    const enc = folder('enc', { 'cert.pem': join(set.certPath, 'cert.pem') });
    writeFileSync(join(enc, 'key.pem'), '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
    expect(readTls(tlsFilesIn(enc, false, { caRequired: false }))).toEqual({ problem: expect.stringMatching(/key\.pem is encrypted/) });
    const old = signCert(set.caDir, join(dir, 'old-client'), 'old', { client: true, expired: true });
    const expired = folder('expired', { 'cert.pem': old.cert, 'key.pem': old.key });
    expect(readTls(tlsFilesIn(expired, false, { caRequired: false }))).toEqual({ problem: `The client certificate ${join(expired, 'cert.pem')} expired on 2020-01-02.` });
    expect(readTls({ verify: false, dir, cert: join(dir, 'nope.pem'), key: join(dir, 'nope-key.pem') })).toEqual({
      problem: `The client certificate ${join(dir, 'nope.pem')} does not exist, and the client key ${join(dir, 'nope-key.pem')} does not exist.`,
    });
  });
});

describe('a failed handshake in words', () => {
  const t = { verify: true, dir: '/c', ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem' };
  const at = 'tcp://127.0.0.1:2376';
  it('names the CA for an unknown authority, and says expiry, plain HTTP, a refused client certificate', () => {
    expect(explainTlsError({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, at, t)).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: `The engine at ${at} presented a certificate signed by an unknown authority: not by the CA in /c/ca.pem (UNABLE_TO_VERIFY_LEAF_SIGNATURE).`,
    });
    expect(explainTlsError({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }, at, { verify: true, dir: '/c' })?.message).toMatch(/by none of the system's CAs/);
    expect(explainTlsError({ code: 'CERT_HAS_EXPIRED' }, at, t)?.message).toBe(`The engine at ${at} presented a certificate that has expired.`);
    expect(explainTlsError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' }, at, t)?.message).toBe(`The engine at ${at} answered in plain HTTP, not TLS.`);
    expect(explainTlsError({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }, at, { verify: true, dir: '/c', ca: '/c/ca.pem' })?.message).toMatch(
      /asks for a client certificate, and Berth has none/,
    );
    expect(explainTlsError({ code: 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' }, at, t)?.message).toMatch(/refused Berth's client certificate \/c\/cert\.pem/);
    expect(explainTlsError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, at, t)).toBeUndefined();
  });

  it('a TLS engine reached in plain tcp', () => {
    expect(explainTlsError({ statusCode: 400, json: 'Client sent an HTTP request to an HTTPS server.\n' }, at, undefined)?.message).toBe(
      `The engine at ${at} speaks TLS, and Berth reached it in plain tcp.`,
    );
    expect(explainTlsError({ statusCode: 400, json: { message: 'bad parameter' } }, at, undefined)).toBeUndefined();
  });
});

describe('the environment of a docker CLI Berth runs', () => {
  it('sets DOCKER_HOST and the TLS variables, and drops the user’s own for a plain engine', () => {
    const user = { PATH: '/bin', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/old', DOCKER_HOST: 'tcp://old:2376' };
    expect(engineCliEnv(user, 'unix:///run/x.sock')).toEqual({ PATH: '/bin', DOCKER_HOST: 'unix:///run/x.sock' });
    expect(engineCliEnv(user, 'tcp://h:2376', { verify: true, dir: '/c' })).toEqual({ PATH: '/bin', DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: '/c', DOCKER_TLS_VERIFY: '1' });
    expect(engineCliEnv(user, 'tcp://h:2376', { verify: false, dir: '/c' })).toEqual({ PATH: '/bin', DOCKER_HOST: 'tcp://h:2376', DOCKER_CERT_PATH: '/c', DOCKER_TLS: '1' });
  });
});
