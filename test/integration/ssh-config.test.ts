/**
 * ssh:// as users write it, against a real sshd, ssh-agent and ssh-keygen: a Host alias of an ssh
 * config (BERTH_SSH_CONFIG, as `ssh -F`), no user in the URL, the agent tried before the key files,
 * a passphrase-protected key through the agent, an unknown host key refused with its fingerprint
 * then trusted into known_hosts, a changed host key refused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerHost, type EngineEndpoint } from '../../electron/main/engine/endpoint';
import { trustHostKey } from '../../electron/main/engine/known-hosts';
import { sshTunnelFor } from '../../electron/main/engine/ssh-config';
import type { SshTunnel } from '../../electron/main/engine/ssh-tunnel';
import { createCore } from '../../electron/main/core';
import { engine, waitFor } from '../support/engine';
import { alive, makeKey, startAgent, type Agent } from '../support/ssh-agent';
import { startSshd, type Sshd } from '../support/sshd';
import { tempDir } from '../support/temp';

const docker = engine();
const remoteSocket = docker.dockerHost.slice('unix://'.length);
let sshd: Sshd;
let keys: string;
let fileKey: string;
let lockedKey: string;
const pub = (file: string) => readFileSync(`${file}.pub`, 'utf8').trim();
const fp = (file: string) => spawnSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;

beforeAll(async () => {
  keys = mkdtempSync(join(tmpdir(), 'berth-ssh-keys-'));
  fileKey = makeKey(keys, 'id_file');
  lockedKey = makeKey(keys, 'id_locked', 'correct horse');
  sshd = await startSshd({ authorizedKeys: [pub(fileKey), pub(lockedKey)] });
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(keys, { recursive: true, force: true });
});

/** A home with an ssh config for this sshd; `extra` lines go in the Host block. */
function home(extra: string[] = [], knownHosts?: string) {
  const dir = tempDir('ssh-home');
  const kh = join(dir, 'known_hosts');
  if (knownHosts !== undefined) writeFileSync(kh, knownHosts);
  const config = join(dir, 'config');
  writeFileSync(config, ['Host berth-box', '  HostName 127.0.0.1', `  Port ${sshd.port}`, `  UserKnownHostsFile ${kh}`, '  IdentitiesOnly yes', ...extra.map((l) => `  ${l}`), ''].join('\n'));
  return { dir, kh, env: { BERTH_SSH_CONFIG: config, PATH: process.env.PATH } as NodeJS.ProcessEnv };
}
const trusted = () => `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`;

async function open(url: string, h: ReturnType<typeof home>, env: NodeJS.ProcessEnv = {}): Promise<SshTunnel> {
  const t = sshTunnelFor(parseDockerHost(url) as Extract<EngineEndpoint, { kind: 'ssh' }>, join(h.dir, 'engine.sock'), { ...h.env, ...env }, h.dir);
  await t.listen();
  return t;
}
async function works(t: SshTunnel): Promise<void> {
  expect((await new Dockerode({ socketPath: t.endpoint.slice('unix://'.length) }).version()).ApiVersion).toBeTruthy();
}
/** The key sshd logged the last login with. */
const lastLogin = () => [...sshd.log().matchAll(/Accepted publickey for (\S+) from .* (SHA256:\S+)/g)].at(-1)?.slice(1, 3);

describe('ssh:// through the ssh config (real sshd, agent, ssh-keygen)', () => {
  it('an alias with no user: HostName, Port and IdentityFile from the config, the local user (root) logs in', async () => {
    const h = home([`IdentityFile ${fileKey}`], trusted());
    const t = await open(`ssh://berth-box${remoteSocket}`, h);
    try {
      await works(t);
      expect(lastLogin()).toEqual(['root', fp(fileKey)]);
    } finally {
      await t.close();
    }
    expect(existsSync(join(h.dir, 'engine.sock'))).toBe(false);
  });

  it('the agent first (a passphrase key in it), the key files after; the same key without agent: "ssh-add <file>"', async () => {
    const agent: Agent = startAgent();
    try {
      agent.add(lockedKey, 'correct horse');
      const h = home(['User root', `IdentityFile ${fileKey}`], trusted());
      const t = await open(`ssh://berth-box${remoteSocket}`, h, { SSH_AUTH_SOCK: agent.socket });
      try {
        await works(t);
        expect(lastLogin()).toEqual(['root', fp(lockedKey)]); // the agent's key, though a key file would do
      } finally {
        await t.close();
      }
    } finally {
      agent.stop();
    }
    expect(alive(agent.pid)).toBe(false); // no agent left behind
    const h = home([`IdentityFile ${lockedKey}`], trusted());
    const t = await open(`ssh://root@berth-box${remoteSocket}`, h);
    try {
      await expect(t.connect()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', hint: expect.stringContaining(`add it to your agent: ssh-add ${lockedKey}`) });
    } finally {
      await t.close();
    }
  });

  it('an unknown host key is refused with its fingerprint; trusted, it is in known_hosts as OpenSSH writes it, and works', async () => {
    const h = home([`IdentityFile ${fileKey}`]);
    const t = await open(`ssh://berth-box${remoteSocket}`, h);
    try {
      await expect(t.connect()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringContaining(`presented the key ${sshd.hostKey}, which is not in your known_hosts`) });
      expect(t.refusedHostKey).toMatchObject({ fingerprint: sshd.hostKey, changed: false });
      expect(existsSync(h.kh)).toBe(false); // never silently
      trustHostKey(h.kh, '127.0.0.1', sshd.port, t.refusedHostKey!.key);
    } finally {
      await t.close();
    }
    expect(readFileSync(h.kh, 'utf8')).toBe(trusted());
    // OpenSSH itself reads the line back
    expect(spawnSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', h.kh], { encoding: 'utf8' }).status).toBe(0);
    const again = await open(`ssh://berth-box${remoteSocket}`, h);
    try {
      await works(again);
    } finally {
      await again.close();
    }
  });

  it('a changed host key is refused hard, and known_hosts is left as it was', async () => {
    const other = makeKey(tempDir('other-host'), 'host');
    const before = `[127.0.0.1]:${sshd.port} ${pub(other).split(' ').slice(0, 2).join(' ')}\n`;
    const h = home([`IdentityFile ${fileKey}`], before);
    const t = await open(`ssh://berth-box${remoteSocket}`, h);
    try {
      await expect(t.connect()).rejects.toMatchObject({ message: expect.stringContaining(`is ${sshd.hostKey}, not the pinned ${fp(other)}`), hint: expect.stringContaining('another machine') });
      expect(t.refusedHostKey).toMatchObject({ fingerprint: sshd.hostKey, changed: true });
    } finally {
      await t.close();
    }
    expect(readFileSync(h.kh, 'utf8')).toBe(before);
  });

  it('a jump host that does not resolve, a config ssh refuses: said on connect, in words', async () => {
    const jump = await open(`ssh://berth-box${remoteSocket}`, home(['ProxyJump me@bastion.invalid:2222'], trusted()));
    await expect(jump.connect()).rejects.toMatchObject({ message: expect.stringMatching(/^Cannot reach the jump host me@bastion\.invalid:2222 over SSH: .*(ENOTFOUND|EAI_AGAIN)/) });
    await jump.close();
    const h = home([], trusted());
    writeFileSync(h.env.BERTH_SSH_CONFIG!, 'Hots x\n');
    const bad = await open(`ssh://berth-box${remoteSocket}`, h);
    await expect(bad.connect()).rejects.toMatchObject({ message: expect.stringMatching(/ssh -G berth-box failed: .*Bad configuration option/) });
    await bad.close();
  });

  it('"trust this host" through the API: the engine status shows the key, a wrong fingerprint trusts nothing, the right one connects', async () => {
    const h = home([`IdentityFile ${fileKey}`]);
    const core = createCore({
      dockerHost: `ssh://berth-box${remoteSocket}`,
      engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
      runDir: join(h.dir, 'run'),
      registriesFile: join(h.dir, 'registries.json'),
      settingsFile: join(h.dir, 'settings.json'),
      env: h.env,
    });
    try {
      const refused = await waitFor(() => core.engine.getStatus().hostKey);
      expect(refused).toEqual({ host: `[127.0.0.1]:${sshd.port}`, fingerprint: sshd.hostKey, changed: false });
      expect(core.engine.getStatus()).toMatchObject({ state: 'unreachable', reason: expect.stringContaining(sshd.hostKey) });
      const wrong = `SHA256:${'A'.repeat(43)}`;
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: wrong })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: 'SHA256:../../x' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(existsSync(h.kh)).toBe(false);
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: sshd.hostKey })).toMatchObject({ ok: true, value: { state: 'up' } });
      expect(readFileSync(h.kh, 'utf8')).toBe(trusted());
      expect(core.engine.getStatus().hostKey).toBeUndefined();
    } finally {
      core.dispose();
    }
  });

  it('a changed key through the API: shown as changed, and trusting it is refused', async () => {
    const other = makeKey(tempDir('other-host'), 'host');
    const before = `[127.0.0.1]:${sshd.port} ${pub(other).split(' ').slice(0, 2).join(' ')}\n`;
    const h = home([`IdentityFile ${fileKey}`], before);
    const core = createCore({
      dockerHost: `ssh://berth-box${remoteSocket}`,
      engine: { retryMinMs: 100, retryMaxMs: 500 },
      runDir: join(h.dir, 'run'),
      registriesFile: join(h.dir, 'r.json'),
      settingsFile: join(h.dir, 's.json'),
      env: h.env,
    });
    try {
      expect(await waitFor(() => core.engine.getStatus().hostKey)).toMatchObject({ fingerprint: sshd.hostKey, changed: true });
      expect(await core.router.handle('engine.trustHostKey', { fingerprint: sshd.hostKey })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('changed') } });
      expect(readFileSync(h.kh, 'utf8')).toBe(before);
    } finally {
      core.dispose();
    }
  });
});
