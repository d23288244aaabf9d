/**
 * A real dockerd serving TLS on 127.0.0.1 (`--tlsverify`, certificates made here with openssl),
 * beside the suite's shared engine (no iptables, a bridge of its own, so the two do not fight). Berth reaches
 * it through DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH and through a TLS context made by
 * the real `docker context create`: lists, a run and its logs, the docker CLI Berth runs (the host
 * terminal's environment) and a Compose up and down. A wrong CA, a missing key, no client certificate, a
 * plain address for a TLS engine and a TLS address for a plain server, an expired engine
 * certificate: each refused in words. What it leaves is counted: no socket, process or folder.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/main/core';
import { contextMetaDir } from '../../electron/main/engine/docker-config';
import { probeEngine } from '../../electron/main/engine/probe';
import { engineCliEnv, type EngineTls } from '../../electron/main/engine/tls';
import { activeEngine, engineList } from '../../electron/main/services/contexts';
import { settingsSchema } from '../../electron/main/settings';
import type { LogLine } from '../../electron/shared/models';
import { PrivateDockerd } from '../support/dockerd';
import { engine, waitFor } from '../support/engine';
import { freePort } from '../support/ports';
import { makeTlsSet, signCert } from '../support/test-ca';
import { buildBusybox, TEST_IMAGE } from '../support/test-image';

const shared = engine();
const home = mkdtempSync(join(tmpdir(), 'berth-tls-engine-'));
const config = join(home, 'docker');
const set = makeTlsSet(join(home, 'tls'));
let port = 0;
let address = '';
let dockerd: PrivateDockerd;
const BRIDGE = `btls${process.pid % 100000}`;
const cores: Core[] = [];
/** Nothing in the environment names an engine or TLS but what a test adds. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  BERTH_HOME: join(home, 'berth'),
  DOCKER_CONFIG: config,
  BERTH_VM: 'mock',
  BERTH_DOCKER_HOST: '',
  DOCKER_HOST: '',
  DOCKER_CONTEXT: '',
  DOCKER_TLS_VERIFY: '',
  DOCKER_TLS: '',
  DOCKER_CERT_PATH: '',
};
const settings = settingsSchema.parse({});
const cli = (args: string[], e: NodeJS.ProcessEnv = env) => execFileSync('docker', args, { env: { ...e, HOME: home }, encoding: 'utf8', timeout: 30_000 }).trim();

function core(dockerHost: string, tls: EngineTls | undefined, e: NodeJS.ProcessEnv = env): Core {
  const c = createCore({
    dockerHost,
    ...(tls ? { tls } : {}),
    env: e,
    settingsFile: join(home, 'berth', 'settings.json'),
    runDir: join(home, 'berth', 'run'),
    registriesFile: join(home, 'berth', 'registries.json'),
    engine: { retryMinMs: 100, retryMaxMs: 500 },
  });
  cores.push(c);
  return c;
}

/** A folder like DOCKER_CERT_PATH with some of the client set's files. */
function certPath(name: string, files: string[], ca = set.ca): string {
  const d = join(home, name);
  mkdirSync(d, { recursive: true });
  for (const f of files) copyFileSync(f === 'ca.pem' ? ca : join(set.certPath, f), join(d, f));
  return d;
}

/** Every file under `dir` with its bytes (base64). */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries((readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

/** Established tcp connections to the TLS engine's port in this namespace. */
function connectionsToEngine(): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/self/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => {
      const f = l.trim().split(/\s+/);
      return f[2]?.endsWith(`:${hex}`) && f[3] === '01';
    }).length;
}

async function runAndLog(c: Core, name: string, text: string): Promise<string[]> {
  expect(await c.router.handle('containers.run', { image: TEST_IMAGE, name, command: ['echo', text], network: 'none' })).toMatchObject({ ok: true });
  dockerd.cli(['wait', name]);
  const lines: string[] = [];
  const end = await c.router.openStream('containers.logs', { id: name, follow: false, tail: 'all' }, async (chunk) => void lines.push(...(chunk as LogLine[]).map((l) => l.text))).done;
  expect(end).toBeUndefined();
  return lines;
}

beforeAll(async () => {
  PrivateDockerd.assertAvailable();
  port = await freePort();
  address = `tcp://127.0.0.1:${port}`;
  // A bridge of its own: with --bridge=none dockerd deletes docker0, the shared engine's bridge, in this namespace.
  execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', '10.251.77.1/24', 'dev', BRIDGE]);
  dockerd = new PrivateDockerd(join(home, 'engine'), {
    args: ['--iptables=false', '--ip6tables=false', `--bridge=${BRIDGE}`, '--tlsverify', '--tlscacert', set.ca, '--tlscert', set.server.cert, '--tlskey', set.server.key, '--host', address],
  });
  await dockerd.start();
  buildBusybox(dockerd); // over its unix socket, which the harness keeps
  mkdirSync(config, { recursive: true });
}, 90_000);

afterAll(async () => {
  for (const c of cores) c.dispose();
  await waitFor(() => connectionsToEngine() === 0 || undefined, 10_000, 'every connection to the TLS engine closed');
  await dockerd.stop();
  const left = dockerd.processes();
  dockerd.remove();
  execFileSync('ip', ['link', 'del', BRIDGE]);
  // The shared engine's bridge is still there: the next file's containers get their network.
  expect(execFileSync('ip', ['-o', 'link', 'show', 'docker0'], { encoding: 'utf8' })).toContain('docker0');
  rmSync(home, { recursive: true, force: true });
  expect(left).toEqual([]);
  expect(existsSync(home)).toBe(false);
}, 60_000);

describe('a dockerd serving TLS', () => {
  it('DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: lists, a run and its logs, the docker CLI and Compose Berth runs', async () => {
    const tlsEnv = { ...env, DOCKER_HOST: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: set.certPath };
    const active = activeEngine(settings, tlsEnv); // as `berth start` does
    expect(active).toEqual({
      dockerHost: address,
      tls: { verify: true, dir: set.certPath, ca: join(set.certPath, 'ca.pem'), cert: join(set.certPath, 'cert.pem'), key: join(set.certPath, 'key.pem') },
    });
    const c = core(active.dockerHost, active.tls, tlsEnv);
    await waitFor(() => c.engine.getStatus().state === 'up' || undefined, 15_000, 'TLS engine up');
    const images = await c.router.handle('images.list');
    expect(images).toMatchObject({ ok: true });
    expect(JSON.stringify(images)).toContain(TEST_IMAGE.split(':')[0]);
    expect(await runAndLog(c, 'tls-env-run', 'hello over tls')).toEqual(['hello over tls']);
    const listed = await c.router.handle('contexts.list');
    expect(listed).toMatchObject({ ok: true, value: { contexts: expect.arrayContaining([expect.objectContaining({ name: 'default', active: true, host: address, tls: active.tls })]) } });
    expect(await c.router.handle('contexts.probe')).toMatchObject({ ok: true, value: expect.arrayContaining([expect.objectContaining({ name: 'default', answers: true })]) });
    // What compose and the host terminal are given reaches the engine through the real docker CLI.
    expect(cli(['ps', '-a', '--format', '{{.Names}}'], engineCliEnv({ ...env, PATH: process.env.PATH }, address, active.tls))).toContain('tls-env-run');
    const project = join(home, 'tls-project');
    mkdirSync(project);
    writeFileSync(join(project, 'compose.yaml'), JSON.stringify({ services: { once: { image: TEST_IMAGE, pull_policy: 'never', network_mode: 'none', command: ['echo', 'composed over tls'] } } }));
    const out: string[] = [];
    expect(await c.router.openStream('compose.up', { files: [project], project: 'tlsproj' }, async (l) => void out.push(l as string)).done).toBeUndefined();
    expect(dockerd.cli(['ps', '-a', '--filter', 'label=com.docker.compose.project=tlsproj', '--format', '{{.Names}}'])).toBe('tlsproj-once-1');
    expect(await c.router.openStream('compose.down', { project: 'tlsproj' }, async () => undefined).done).toBeUndefined();
    expect(dockerd.cli(['ps', '-a', '--filter', 'label=com.docker.compose.project=tlsproj', '-q'])).toBe('');
  });

  it('a TLS context made by `docker context create`: listed as usable with TLS, chosen in Berth from the shared engine, used', async () => {
    cli(['context', 'create', 'tlsbox', '--docker', `host=${address},ca=${set.ca},cert=${join(set.certPath, 'cert.pem')},key=${join(set.certPath, 'key.pem')}`]);
    const before = snapshot(config);
    const c = core(shared.dockerHost, undefined);
    await waitFor(() => c.engine.getStatus().state === 'up' || undefined, 10_000, 'shared engine up');
    const listed = (await c.router.handle('contexts.list')) as { ok: true; value: { contexts: { name: string; tls?: EngineTls; problem?: string }[] } };
    const box = listed.value.contexts.find((x) => x.name === 'tlsbox');
    expect(box).toMatchObject({ host: address, tls: { verify: true, ca: expect.stringMatching(/\/contexts\/tls\/[0-9a-f]{64}\/docker\/ca\.pem$/) } });
    expect(box?.problem).toBeUndefined();
    expect(await c.router.handle('contexts.use', { name: 'tlsbox' })).toMatchObject({ ok: true });
    await waitFor(() => (c.engine.getStatus().state === 'up' && c.engine.getStatus().endpoint === address) || undefined, 15_000, 'TLS context up');
    expect(await runAndLog(c, 'tls-context-run', 'hello from a context')).toEqual(['hello from a context']);
    // DOCKER_CONTEXT names it at start, too
    expect(activeEngine(settings, { ...env, DOCKER_CONTEXT: 'tlsbox' })).toEqual({ dockerHost: address, tls: box!.tls });
    expect(snapshot(config)).toEqual(before); // the CLI's files, byte for byte: read, never written
    // SkipTLSVerify: TLS with the client pair, the engine's certificate not checked (no CA given)
    cli(['context', 'create', 'skipbox', '--docker', `host=${address},cert=${join(set.certPath, 'cert.pem')},key=${join(set.certPath, 'key.pem')},skip-tls-verify=true`]);
    const skip = engineList(settings, env).contexts.find((x) => x.name === 'skipbox')!;
    expect(skip.tls).toMatchObject({ verify: false, cert: expect.stringMatching(/cert\.pem$/) });
    expect(skip.tls!.ca).toBeUndefined();
    expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port, tls: skip.tls! })).toEqual({ answers: true });
    // By name: localhost is on the engine's certificate too
    expect(await probeEngine({ kind: 'tcp', host: 'localhost', port, tls: box!.tls! })).toEqual({ answers: true });
  });

  it('a wrong CA is refused in words naming the CA file: in the probe, the engine status and the docker CLI agrees', async () => {
    cli(['context', 'create', 'wrongca', '--docker', `host=${address},ca=${set.otherCa},cert=${join(set.certPath, 'cert.pem')},key=${join(set.certPath, 'key.pem')}`]);
    const ctx = engineList(settings, env).contexts.find((x) => x.name === 'wrongca')!;
    expect(ctx.problem).toBeUndefined(); // the files are fine; the engine is not signed by that CA
    const probe = await probeEngine({ kind: 'tcp', host: '127.0.0.1', port, tls: ctx.tls! });
    expect(probe).toEqual({
      answers: false,
      reason: expect.stringMatching(new RegExp(`^The engine at ${address} presented a certificate signed by an unknown authority: not by the CA in ${ctx.tls!.ca}`)),
    });
    const wrong = certPath('wrong-ca', ['ca.pem', 'cert.pem', 'key.pem'], set.otherCa);
    const c = core(address, { verify: true, dir: wrong, ca: join(wrong, 'ca.pem'), cert: join(wrong, 'cert.pem'), key: join(wrong, 'key.pem') });
    await waitFor(() => c.engine.getStatus().state === 'unreachable' || undefined, 10_000, 'refused');
    expect(c.engine.getStatus().reason).toMatch(new RegExp(`signed by an unknown authority: not by the CA in ${join(wrong, 'ca.pem')}`));
    expect(await c.router.handle('containers.list')).toMatchObject({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/unknown authority/) } });
    expect(() => cli(['--context', 'wrongca', 'version'])).toThrow(/certificate signed by unknown authority/); // what the CLI says of the same files
  });

  it('a missing key, no client certificate or a stranger’s, a plain address for the TLS engine: each said, the missing file named, nothing chosen', async () => {
    const noKey = certPath('no-key', ['ca.pem', 'cert.pem']);
    const e = { ...env, DOCKER_HOST: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: noKey };
    const list = engineList(settings, e);
    expect(list.contexts.find((x) => x.name === 'default')?.problem).toBe(
      `The client key ${join(noKey, 'key.pem')} does not exist: the client certificate ${join(noKey, 'cert.pem')} needs its key beside it.`,
    );
    expect(list.resolution.name).toBe('berth-vm'); // Berth starts on its VM and says why
    expect(list.problems[0]).toMatch(/^DOCKER_HOST names "default", which Berth cannot use: The client key .*key\.pem does not exist/);

    // A context whose key.pem went missing: refused when chosen, naming the file, the engine in use unchanged.
    cli(['context', 'create', 'lostkey', '--docker', `host=${address},ca=${set.ca},cert=${join(set.certPath, 'cert.pem')},key=${join(set.certPath, 'key.pem')}`]);
    const lostKey = join(config, 'contexts', 'tls', contextMetaDir('lostkey', env).split('/').pop()!, 'docker', 'key.pem');
    unlinkSync(lostKey);
    const c = core(shared.dockerHost, undefined);
    await waitFor(() => c.engine.getStatus().state === 'up' || undefined, 10_000, 'shared engine up');
    expect(await c.router.handle('contexts.use', { name: 'lostkey' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining(`The client key ${lostKey} does not exist`) },
    });
    expect(c.engine.getStatus()).toMatchObject({ state: 'up', endpoint: shared.dockerHost });

    const caOnly = certPath('ca-only', ['ca.pem']);
    expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port, tls: { verify: true, dir: caOnly, ca: join(caOnly, 'ca.pem') } })).toEqual({
      answers: false,
      reason: `The engine at ${address} asks for a client certificate, and Berth has none (no cert.pem and key.pem in ${caOnly}).`,
    });
    // A client certificate from a CA the engine does not trust
    const stranger = signCert(join(set.otherCa, '..'), join(home, 'stranger'), 'stranger', { client: true });
    expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port, tls: { verify: true, dir: caOnly, ca: join(caOnly, 'ca.pem'), ...stranger } })).toEqual({
      answers: false,
      reason: expect.stringMatching(new RegExp(`^The engine at ${address} refused Berth's client certificate ${stranger.cert}: it trusts no CA that signed it`)),
    });
    expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port })).toEqual({ answers: false, reason: `The engine at ${address} speaks TLS, and Berth reached it in plain tcp.` });
    const plain = core(address, undefined);
    await waitFor(() => plain.engine.getStatus().state === 'unreachable' || undefined, 10_000, 'refused');
    expect(plain.engine.getStatus().reason).toBe(`The engine at ${address} speaks TLS, and Berth reached it in plain tcp`); // the banner adds the stop
  });

  it('a TLS address for a plain HTTP server, an expired engine certificate, one for another name, a silent server: said in words', async () => {
    const plain = createHttpServer((_q, s) => s.end('OK')).listen(0, '127.0.0.1');
    const old = signCert(set.caDir, join(home, 'old-server'), 'old', { san: 'IP:127.0.0.1', expired: true });
    const expired = createHttpsServer({ cert: readFileSync(old.cert), key: readFileSync(old.key) }, (_q, s) => s.end('OK')).listen(0, '127.0.0.1');
    try {
      await Promise.all([plain, expired].map((s) => new Promise((r) => (s.listening ? r(undefined) : s.once('listening', r)))));
      const tls = { verify: true, dir: set.certPath, ca: join(set.certPath, 'ca.pem'), cert: join(set.certPath, 'cert.pem'), key: join(set.certPath, 'key.pem') };
      const at = (s: typeof plain) => (s.address() as AddressInfo).port;
      expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port: at(plain), tls })).toEqual({
        answers: false,
        reason: `The engine at tcp://127.0.0.1:${at(plain)} answered in plain HTTP, not TLS.`,
      });
      expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port: at(expired), tls })).toEqual({
        answers: false,
        reason: `The engine at tcp://127.0.0.1:${at(expired)} presented a certificate that has expired.`,
      });
      // A certificate from the right CA, made out to another name
      const elsewhere = signCert(set.caDir, join(home, 'elsewhere'), 'elsewhere', { san: 'DNS:engine.example' });
      const misnamed = createHttpsServer({ cert: readFileSync(elsewhere.cert), key: readFileSync(elsewhere.key) }, (_q, r) => r.end('OK')).listen(0, '127.0.0.1');
      await new Promise((r) => misnamed.once('listening', r));
      expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port: at(misnamed), tls })).toEqual({
        answers: false,
        reason: expect.stringMatching(new RegExp(`^The engine's certificate is not made out to the address tcp://127\\.0\\.0\\.1:${at(misnamed)}: .*IP: 127\\.0\\.0\\.1 is not in the cert's list`)),
      });
      misnamed.close();
      const c = core(`tcp://127.0.0.1:${at(plain)}`, tls);
      await waitFor(() => c.engine.getStatus().state === 'unreachable' || undefined, 10_000, 'refused');
      expect(c.engine.getStatus().reason).toBe(`The engine at tcp://127.0.0.1:${at(plain)} answered in plain HTTP, not TLS`);
      c.dispose();
      // A server that takes the connection and never answers the handshake: the probe's deadline, its socket ended.
      // It reads (and drops) the hello, so it sees the client go.
      const silent = createNetServer((s) => void s.resume()).listen(0, '127.0.0.1');
      await new Promise((r) => silent.once('listening', r));
      expect(await probeEngine({ kind: 'tcp', host: '127.0.0.1', port: (silent.address() as AddressInfo).port, tls }, 500)).toEqual({ answers: false, reason: 'no answer in 0.5 s' });
      await waitFor(() => new Promise<number>((r) => silent.getConnections((_e, n) => r(n))).then((n) => n === 0 || undefined), 5000, 'the silent server has no connection left');
      silent.close();
    } finally {
      plain.close();
      expired.close();
    }
  });
});
