/**
 * ProxyJump against real sshds: a jump host in a network namespace of its own and the engine's
 * host in another one behind it (test/support/jump-net.ts), so the engine's host is reachable only
 * through the jump host; its sshd's log names the jump host's address as where the login came from.
 * Each hop logs in with its own key (or the agent) and is checked against its own known_hosts. The
 * hostile cases: a dead hop, a hop that says nothing, a hop that refuses the login, an unknown key
 * at the second hop (trusted through the API), loops, a chain pointing at itself, very long chains,
 * a close while connecting, a jump host that drops; ProxyCommand (ssh -W) and its failures. After each: no sshd session, no socket of ours left.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDockerHost, type EngineEndpoint } from '../../electron/main/engine/endpoint';
import { sshTunnelFor } from '../../electron/main/engine/ssh-config';
import type { SshTunnel } from '../../electron/main/engine/ssh-tunnel';
import { createCore } from '../../electron/main/core';
import { engine, waitFor } from '../support/engine';
import { makeJumpNet, type JumpNet } from '../support/jump-net';
import { makeKey, startAgent } from '../support/ssh-agent';
import { childrenOf, startSshd, type Sshd } from '../support/sshd';
import { tempDir } from '../support/temp';

const docker = engine();
const remoteSocket = docker.dockerHost.slice('unix://'.length);
let net: JumpNet;
let jump: Sshd;
let target: Sshd;
let keys: string;
let jumpKey: string;
let targetKey: string;
const pub = (file: string) => readFileSync(`${file}.pub`, 'utf8').trim();
const fp = (file: string) => spawnSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;

beforeAll(async () => {
  net = makeJumpNet();
  keys = mkdtempSync(join(tmpdir(), 'berth-jump-keys-'));
  jumpKey = makeKey(keys, 'id_jump');
  targetKey = makeKey(keys, 'id_target');
  // Each host admits only its own key: a hop that logged in with the other's key would fail.
  jump = await startSshd({ netns: net.jumpNetns, authorizedKeys: [pub(jumpKey)] });
  target = await startSshd({ netns: net.targetNetns, authorizedKeys: [pub(targetKey)] });
});
afterAll(async () => {
  await jump?.stop();
  await target?.stop();
  net?.end();
  rmSync(keys, { recursive: true, force: true });
  expect(net.leftovers()).toEqual([]);
});

/** The sockets this process holds (fds that are sockets). */
const sockets = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false;
    }
  }).length;
let socketsBefore = 0;
beforeEach(() => {
  socketsBefore = sockets();
});
/** After every test: no session left on either sshd, no socket of ours left. */
afterEach(async () => {
  await waitFor(() => jump.sessions() === 0 && target.sessions() === 0, 10_000, 'the sshd sessions to end');
  await waitFor(() => sockets() <= socketsBefore, 10_000, `our sockets back to ${socketsBefore} (now ${sockets()})`);
});

/** A home with an ssh config: `blocks` first (first value wins, as in ssh), then the three hosts. */
function home(blocks: string[] = [], known: { jump?: boolean; jumpInner?: boolean; target?: boolean } = { jump: true, jumpInner: true, target: true }) {
  const dir = tempDir('jump-home');
  const kh = join(dir, 'known_hosts');
  const kh2 = join(dir, 'known_hosts2');
  writeFileSync(kh, (known.jump ? `${net.jump} ${jump.hostPublicKey}\n` : '') + (known.target ? `${net.target} ${target.hostPublicKey}\n` : ''));
  if (known.jumpInner) writeFileSync(kh2, `${net.jumpInner} ${jump.hostPublicKey}\n`);
  const config = join(dir, 'config');
  writeFileSync(
    config,
    [
      ...blocks.map((l) => l.replace('{config}', config)),
      'Host jumpbox',
      `  HostName ${net.jump}`,
      '  User root',
      `  IdentityFile ${jumpKey}`,
      'Host jumpbox2',
      `  HostName ${net.jumpInner}`,
      '  User root',
      `  IdentityFile ${jumpKey}`,
      `  UserKnownHostsFile ${kh2}`,
      'Host target',
      `  HostName ${net.target}`,
      '  User root',
      `  IdentityFile ${targetKey}`,
      'Host *',
      `  UserKnownHostsFile ${kh}`,
      '  IdentitiesOnly yes',
      '',
    ].join('\n'),
  );
  return { dir, kh, kh2, env: { BERTH_SSH_CONFIG: config, PATH: process.env.PATH } as NodeJS.ProcessEnv };
}

async function open(url: string, h: ReturnType<typeof home>, env: NodeJS.ProcessEnv = {}): Promise<SshTunnel> {
  const t = sshTunnelFor(parseDockerHost(url) as Extract<EngineEndpoint, { kind: 'ssh' }>, join(h.dir, 'engine.sock'), { ...h.env, ...env }, h.dir);
  await t.listen();
  return t;
}
const version = async (t: SshTunnel) => (await new Dockerode({ socketPath: t.endpoint.slice('unix://'.length) }).version()).ApiVersion;
/** The logins an sshd logged: [user, from address, key fingerprint]. */
const logins = (s: Sshd) => [...s.log().matchAll(/Accepted publickey for (\S+) from (\S+) port \d+ ssh2: \S+ (SHA256:\S+)/g)].map((m) => m.slice(1, 4));
/** Processes whose command line has `marker`. */
const processesWith = (marker: string) =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(marker) && !l.startsWith('ps ')).length;
const connectionsTo = (s: Sshd) => [...s.log().matchAll(/Connection from /g)].length;

describe('ProxyJump (real sshds; the engine host reachable only through the jump host)', () => {
  it('the engine host cannot be reached from here but through the jump host', async () => {
    const direct = await new Promise<string>((resolve) => {
      const s = createConnection({ host: net.target, port: 22 });
      s.once('connect', () => (s.destroy(), resolve('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(direct).toMatch(/^(ENETUNREACH|EHOSTUNREACH)$/);
    const t = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump none']));
    await expect(t.connect()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringContaining(`Cannot reach root@${net.target}:22 over SSH`) });
    await t.close();
  });

  it('ProxyJump alias: each hop with its own key; the engine host sees the login come from the jump host', async () => {
    const h = home(['Host target', '  ProxyJump jumpbox']);
    const t = await open(`ssh://target${remoteSocket}`, h);
    try {
      expect(await version(t)).toBeTruthy();
      expect(logins(jump).at(-1)).toEqual(['root', net.here, fp(jumpKey)]);
      expect(logins(target).at(-1)).toEqual(['root', net.jumpInner, fp(targetKey)]);
      expect(jump.sessions()).toBe(1);
    } finally {
      await t.close();
    }
    expect(existsSync(join(h.dir, 'engine.sock'))).toBe(false);
  });

  it('the jump host dropping the connection takes it down whole; the next call connects again through it', async () => {
    const t = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump jumpbox']));
    try {
      expect(await version(t)).toBeTruthy();
      const before = logins(target).length;
      for (const pid of childrenOf(jump.pid)) process.kill(pid, 'SIGTERM');
      await waitFor(() => target.sessions() === 0 && !t.connected, 10_000, 'the connection to end at both ends');
      expect(await version(t)).toBeTruthy();
      expect(logins(target).length).toBe(before + 1);
      expect(jump.sessions()).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('ProxyJump ssh://user@host:port with no Host block: the agent logs in at the jump host', async () => {
    const agent = startAgent();
    try {
      agent.add(jumpKey);
      const t = await open(`ssh://target${remoteSocket}`, home(['Host target', `  ProxyJump ssh://root@${net.jump}:22`]), { SSH_AUTH_SOCK: agent.socket });
      try {
        expect(await version(t)).toBeTruthy();
        expect(logins(jump).at(-1)).toEqual(['root', net.here, fp(jumpKey)]);
      } finally {
        await t.close();
      }
    } finally {
      agent.stop();
    }
  });

  it('"ProxyJump none" on the jump host under a "Host *" ProxyJump; without it, the loop is refused in words', async () => {
    const h = home(['Host jumpbox', '  ProxyJump none', 'Host *', '  ProxyJump jumpbox']);
    const direct = await open(`ssh://jumpbox${remoteSocket}`, h);
    const through = await open(`ssh://target${remoteSocket}`, { ...h, dir: tempDir('jump-home2') });
    try {
      expect(await version(direct)).toBeTruthy();
      expect(await version(through)).toBeTruthy();
      expect(logins(target).at(-1)?.[1]).toBe(net.jumpInner);
    } finally {
      await direct.close();
      await through.close();
    }
    const before = connectionsTo(jump);
    const loop = await open(`ssh://target${remoteSocket}`, home(['Host *', '  ProxyJump jumpbox']));
    await expect(loop.connect()).rejects.toMatchObject({
      message: `The ProxyJump of target loops: target -> jumpbox -> jumpbox (root@${net.jump}:22 again).`,
      hint: expect.stringContaining('ProxyJump none'),
    });
    await loop.close();
    const self = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump target']));
    await expect(self.connect()).rejects.toMatchObject({ message: expect.stringContaining('loops: target -> target') });
    await self.close();
    const twoWay = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump jumpbox', 'Host jumpbox', '  ProxyJump jumpbox2', 'Host jumpbox2', '  ProxyJump jumpbox']));
    await expect(twoWay.connect()).rejects.toMatchObject({ message: expect.stringContaining('loops: target -> jumpbox -> jumpbox2 -> jumpbox') });
    await twoWay.close();
    expect(connectionsTo(jump)).toBe(before); // refused before anything connected
  });

  it('a chain of 8 hops works and leaves nothing; chains of 17 and 400 hops are refused before anything connects', async () => {
    const t = await open(`ssh://target${remoteSocket}`, home(['Host target', `  ProxyJump ${Array(8).fill('jumpbox').join(',')}`]));
    try {
      expect(await version(t)).toBeTruthy();
      expect(jump.sessions()).toBe(8);
    } finally {
      await t.close();
    }
    const before = connectionsTo(jump);
    for (const n of [17, 400]) {
      const long = await open(`ssh://target${remoteSocket}`, home(['Host target', `  ProxyJump ${Array(n).fill('jumpbox').join(',')}`]));
      await expect(long.connect()).rejects.toMatchObject({ message: 'The ProxyJump chain to target has more than 16 jump hosts: Berth does not follow it.' });
      await long.close();
    }
    expect(connectionsTo(jump)).toBe(before);
  });

  it('a dead hop, a silent hop, a hop refusing the login: each said in words naming the hop', async () => {
    const cases: [string[], RegExp][] = [
      [['Host target', `  ProxyJump root@${net.jump}:2`], new RegExp(`^Cannot reach the jump host root@${net.jump.replace(/\./g, '\\.')}:2 over SSH: .*ECONNREFUSED`)],
      [
        ['Host target', `  ProxyJump jumpbox,root@${net.target}:2`],
        new RegExp(`^The jump host jumpbox \\(root@${net.jump.replace(/\./g, '\\.')}:22\\) \\(hop 1 of 2\\) could not connect to ${net.target.replace(/\./g, '\\.')}:2: .*refused`, 'i'),
      ],
      [
        ['Host target', '  ProxyJump jumpbad', 'Host jumpbad', `  HostName ${net.jump}`, '  User root', `  IdentityFile ${targetKey}`],
        /^SSH login as root at the jump host jumpbad \(root@10\.231\.0\.2:22\) was refused/,
      ],
    ];
    for (const [blocks, message] of cases) {
      const t = await open(`ssh://target${remoteSocket}`, home(blocks));
      const e = await t.connect().then(
        () => undefined,
        (x: Error) => x,
      );
      await t.close();
      expect(e).toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(message) });
      expect(t.lastError).toMatch(message);
    }
    // A hop that takes the connection and says nothing (a server of this test's, reached from the jump host)
    const held = new Set<Socket>();
    const silent = createServer((s) => (held.add(s), s.resume(), s.on('error', () => undefined)));
    await new Promise<void>((r) => silent.listen(0, net.here, () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const t = await open(
        `ssh://target${remoteSocket}`,
        home(['Host target', '  ProxyJump jumpbox,silent', 'Host silent', `  HostName ${net.here}`, `  Port ${port}`, '  User root', '  ConnectTimeout 1']),
      );
      await expect(t.connect()).rejects.toMatchObject({ message: `Cannot reach the jump host silent (root@${net.here}:${port}) (hop 2 of 2) over SSH: no SSH greeting within 1 s.` });
      await t.close();
      expect(held.size).toBe(1);
      await waitFor(() => [...held].every((s) => s.destroyed), 5000, 'the silent hop to be let go'); // the jump host closed its connection
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('closed while connecting through the jump host (the next hop silent): rejected, nothing left', async () => {
    const silent = createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, net.here, () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const t = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump jumpbox,silent', 'Host silent', `  HostName ${net.here}`, `  Port ${port}`, '  User root']));
      const connecting = t.connect();
      await waitFor(() => jump.sessions() === 1, 10_000, 'the jump host login');
      await t.close();
      await expect(connecting).rejects.toMatchObject({ message: 'The SSH tunnel was closed while it connected.' });
    } finally {
      silent.close();
    }
  });

  it('an unknown key at the second hop: refused naming that hop, trusted through the API into its own known_hosts, then connected', async () => {
    const h = home(['Host target', '  ProxyJump jumpbox,jumpbox2'], { jump: true, target: true });
    const core = createCore({
      dockerHost: `ssh://target${remoteSocket}`,
      engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
      runDir: join(h.dir, 'run'),
      registriesFile: join(h.dir, 'registries.json'),
      settingsFile: join(h.dir, 'settings.json'),
      env: h.env,
    });
    try {
      expect(await waitFor(() => core.engine.getStatus().hostKey)).toEqual({ host: net.jumpInner, fingerprint: jump.hostKey, changed: false });
      expect(core.engine.getStatus().reason).toBe(
        `The jump host jumpbox2 (root@${net.jumpInner}:22) (hop 2 of 2) presented the key ${jump.hostKey}, which is not in your known_hosts: refusing to connect.`,
      );
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: target.hostKey })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(existsSync(h.kh2)).toBe(false);
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: jump.hostKey })).toMatchObject({ ok: true, value: { state: 'up' } });
      expect(readFileSync(h.kh2, 'utf8')).toBe(`${net.jumpInner} ${jump.hostPublicKey}\n`);
      expect(readFileSync(h.kh, 'utf8')).toBe(`${net.jump} ${jump.hostPublicKey}\n${net.target} ${target.hostPublicKey}\n`); // the other hops' file untouched
      // OpenSSH reads the line back
      expect(spawnSync('ssh-keygen', ['-F', net.jumpInner, '-f', h.kh2], { encoding: 'utf8' }).status).toBe(0);
      expect(jump.sessions()).toBe(2);
    } finally {
      core.dispose();
    }
  });

  it('an unknown key at the engine host behind a jump host: refused naming it', async () => {
    const t = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump jumpbox'], { jump: true }));
    await expect(t.connect()).rejects.toMatchObject({ message: `The host ${net.target}:22 presented the key ${target.hostKey}, which is not in your known_hosts: refusing to connect.` });
    expect(t.refusedHostKeyInfo).toEqual({ host: net.target, fingerprint: target.hostKey, changed: false });
    await t.close();
  });

  it('ProxyCommand (ssh -W through the jump host) works and is ended with the engine; one that fails or says nothing is said in words, and ended', async () => {
    const running = (marker: string) => processesWith(marker);
    const t = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyCommand ssh -F {config} -o BatchMode=yes -W %h:%p jumpbox']));
    try {
      expect(await version(t)).toBeTruthy();
      expect(logins(target).at(-1)).toEqual(['root', net.jumpInner, fp(targetKey)]);
      expect(running(`-W ${net.target}:22 jumpbox`)).toBe(1);
    } finally {
      await t.close();
    }
    await waitFor(() => running(`-W ${net.target}:22 jumpbox`) === 0, 10_000, 'the ProxyCommand to end');

    const failing = await open(`ssh://target${remoteSocket}`, home(['Host target', "  ProxyCommand sh -c 'echo no way to %h >&2; exit 3'"]));
    await expect(failing.connect()).rejects.toMatchObject({
      message: `The ProxyCommand of root@${net.target}:22 (sh -c 'echo no way to ${net.target} >&2; exit 3') exited with code 3: no way to ${net.target}.`,
    });
    await failing.close();

    const silent = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyCommand sleep 6017', '  ConnectTimeout 1']));
    await expect(silent.connect()).rejects.toMatchObject({ message: `Cannot reach root@${net.target}:22 over SSH: no SSH greeting within 1 s.` });
    await silent.close();
    await waitFor(() => running('sleep 6017') === 0, 10_000, 'the silent ProxyCommand to be killed');

    const later = await open(`ssh://target${remoteSocket}`, home(['Host target', '  ProxyJump jumpbox,pc', 'Host pc', `  HostName ${net.target}`, '  ProxyCommand nc %h %p']));
    await expect(later.connect()).rejects.toMatchObject({ message: 'pc has a ProxyCommand (nc %h %p) and is reached through a jump host: ssh refuses both.' });
    await later.close();
  });
});
