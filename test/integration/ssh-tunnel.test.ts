import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../electron/main/engine/ssh-keys';
import { SshTunnel } from '../../electron/main/engine/ssh-tunnel';
import { createCore } from '../../electron/main/core';
import type { UsageSnapshot } from '../../electron/shared/models';
import { engine, nextEvent, uniq, waitFor } from '../support/engine';
import { TEST_IMAGE } from '../support/test-image';
import { startSshd, type Sshd } from '../support/sshd';
import { tempDir } from '../support/temp';

const docker = engine();
let sshd: Sshd;
beforeAll(async () => void (sshd = await startSshd()));
afterAll(() => sshd?.stop());

function tunnel(over: Partial<ConstructorParameters<typeof SshTunnel>[0]> = {}) {
  const t = new SshTunnel({
    target: { host: '127.0.0.1', port: sshd.port, username: 'root', remoteSocket: docker.dockerHost.replace('unix://', '') },
    privateKey: sshd.clientKey,
    hostKeys: [sshd.hostKey],
    localSocket: join(tempDir('tunnel'), 'engine.sock'),
    ...over,
  });
  return t;
}

describe('SSH tunnel to an engine (real sshd on 127.0.0.1)', () => {
  it('forwards the engine API through a 0600 local socket', async () => {
    const t = tunnel();
    await t.listen();
    try {
      expect(statSync(t.endpoint.slice('unix://'.length)).mode & 0o777).toBe(0o600);
      const viaTunnel = new Dockerode({ socketPath: t.endpoint.slice('unix://'.length) });
      expect((await viaTunnel.version()).ApiVersion).toBe((await new Dockerode({ socketPath: docker.dockerHost.slice(7) }).version()).ApiVersion);
      // several requests at once, each over its own forwarded channel
      const lists = await Promise.all(Array.from({ length: 10 }, () => viaTunnel.listImages()));
      expect(new Set(lists.map((l) => l.length)).size).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('once closed: nothing listens here any more, and a command still runs (a VM whose save failed is shut down so)', async () => {
    const t = tunnel();
    await t.listen();
    const sock = t.endpoint.slice('unix://'.length);
    await new Dockerode({ socketPath: sock }).ping();
    await t.close();
    await expect(new Dockerode({ socketPath: sock }).ping()).rejects.toThrow();
    await expect(t.forwardPort('127.0.0.1', 80)).rejects.toThrow(/closed/);
    expect(await t.exec('echo still-$((40+2))')).toEqual({ code: 0, output: 'still-42\n' });
    await t.close();
  });

  it('connects again after the SSH connection drops', async () => {
    const t = tunnel();
    await t.listen();
    try {
      const viaTunnel = new Dockerode({ socketPath: t.endpoint.slice('unix://'.length) });
      await viaTunnel.ping();
      const first = await t.connect();
      first.end(); // the link goes away under the app
      await new Promise<void>((r) => first.once('close', () => r()));
      // A kept-alive HTTP socket of the old link may fail once, as with any engine that went away.
      expect(await waitFor(() => viaTunnel.ping().then(String, () => undefined), 10_000, 'ping through a new link')).toBe('OK');
      expect(await t.connect()).not.toBe(first);
    } finally {
      await t.close();
    }
  });

  it('refuses a host whose key is not the pinned one, and says which key it saw', async () => {
    const t = tunnel({ hostKeys: ['SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] });
    await expect(t.connect()).rejects.toThrow(`Host key of 127.0.0.1:${sshd.port} is ${sshd.hostKey}, not the pinned`);
    await t.close();
  });

  it('says when the key is refused or nothing listens', async () => {
    const wrongKey = tunnel({ privateKey: generateKeyPair('stranger').privateKey });
    await expect(wrongKey.connect()).rejects.toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: expect.stringMatching(/SSH login as root@127\.0\.0\.1:\d+ was refused/),
      hint: expect.stringContaining("Check the user name, and that the host's authorized_keys has your key"),
    });
    const nobody = tunnel({ target: { host: '127.0.0.1', port: 1, username: 'root', remoteSocket: '/x' } });
    await expect(nobody.connect()).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE', message: expect.stringMatching(/Cannot reach root@127\.0\.0\.1:1 over SSH: .*ECONNREFUSED/) });
  });
});

describe('an ssh:// engine in the core', () => {
  function sshCore(env: Record<string, string>) {
    const dir = tempDir('ssh-core');
    writeFileSync(join(dir, 'key'), sshd.clientKey, { mode: 0o600 });
    return createCore({
      dockerHost: `ssh://root@127.0.0.1:${sshd.port}${docker.dockerHost.slice('unix://'.length)}`,
      engine: { retryMinMs: 100, retryMaxMs: 500, coalesceMs: 50 },
      runDir: join(dir, 'run'),
      registriesFile: join(dir, 'registries.json'),
      settingsFile: join(dir, 'settings.json'),
      env: { BERTH_SSH_KEY: join(dir, 'key'), ...env },
    });
  }

  it('lists, pushes events and opens an exec terminal through the tunnel', async () => {
    const core = sshCore({ BERTH_SSH_HOST_KEY: sshd.hostKey });
    try {
      await waitFor(() => core.engine.getStatus().state === 'up' || undefined, 15_000, 'engine up over ssh');
      expect(core.engine.getStatus().endpoint).toBe(`ssh://root@127.0.0.1:${sshd.port}${docker.dockerHost.slice('unix://'.length)}`);
      const name = uniq('over-ssh');
      const pushed = nextEvent(core, 'containers:changed');
      docker.cli(['run', '-d', '--name', name, TEST_IMAGE, 'sleep', '600']);
      await pushed;
      const list = await core.router.handle('containers.list');
      expect(list.ok && (list.value as { name: string }[]).map((c) => c.name)).toContain(name);
      let out = '';
      const sh = core.router.openStream('containers.exec', { id: name, cols: 80, rows: 24 }, async (c) => void (out += c as string));
      sh.input({ data: 'echo over-ssh-$((6*7))\r' });
      await waitFor(() => out.includes('over-ssh-42') || undefined, 10_000, 'exec output over ssh');
      sh.cancel();
    } finally {
      core.dispose();
    }
  });

  it('the resource overview of 30 running containers: a stats stream each, all through one SSH connection', async () => {
    const core = sshCore({ BERTH_SSH_HOST_KEY: sshd.hostKey });
    const names = Array.from({ length: 30 }, () => uniq('ssh-usage'));
    try {
      await waitFor(() => core.engine.getStatus().state === 'up' || undefined, 15_000, 'engine up over ssh');
      for (const n of names) docker.cli(['create', '--name', n, TEST_IMAGE, 'sleep', '600']);
      docker.cli(['start', ...names]);
      let last: UsageSnapshot | undefined;
      const s = core.router.openStream('containers.usage', {}, async (c) => void (last = c as UsageSnapshot));
      await waitFor(() => names.every((n) => last?.containers.some((c) => c.name === n && c.memUsage > 0)) || undefined, 30_000, 'all 30 in the overview over ssh');
      docker.cli(['rm', '-f', names[0]!]);
      await waitFor(() => !last?.containers.some((c) => c.name === names[0]) || undefined, 20_000, 'a removed one leaves');
      s.cancel();
      expect(await s.done).toBeUndefined();
      expect((await core.router.handle('containers.list')).ok).toBe(true); // the tunnel still serves requests beside them
    } finally {
      core.dispose();
      docker.try(['rm', '-f', ...names]);
    }
  });

  it("opens a remote container's published port through a port forwarded over SSH; its loopback-only ones are refused", async () => {
    const core = sshCore({ BERTH_SSH_HOST_KEY: sshd.hostKey });
    try {
      await waitFor(() => core.engine.getStatus().state === 'up' || undefined, 15_000, 'engine up over ssh');
      const name = uniq('ssh-port');
      const page = 'mkdir /www && echo over-ssh > /www/index.html && exec httpd -f -p 8080 -h /www';
      docker.cli(['run', '-d', '--name', name, '-p', '0.0.0.0::8080', '-p', '127.0.0.1::8080', TEST_IMAGE, 'sh', '-c', page]);
      const bindings = docker.cli(['port', name, '8080/tcp']).trim().split('\n');
      const published = Number(
        bindings
          .find((b) => b.startsWith('0.0.0.0:'))!
          .split(':')
          .at(-1),
      );
      const loopOnly = Number(
        bindings
          .find((b) => b.startsWith('127.0.0.1:'))!
          .split(':')
          .at(-1),
      );
      const reply = await core.router.handle('ports.address', { id: name, port: published });
      expect(reply.ok).toBe(true);
      const { address, url } = (reply as { value: { address: string; url: string } }).value;
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(Number(address.split(':')[1])).not.toBe(published); // a port of its own here, not the remote one
      const body = await waitFor(
        () =>
          fetch(`${url}index.html`).then(
            (r) => r.text(),
            () => undefined,
          ),
        10_000,
        'the page over the forward',
      );
      expect(body).toBe('over-ssh\n');
      // Asked again, or many at once: the same forward, each answered.
      const again = await Promise.all(Array.from({ length: 5 }, () => core.router.handle('ports.address', { id: name, port: published })));
      expect(new Set(again.map((r) => (r as { value: { address: string } }).value.address))).toEqual(new Set([address]));
      const bodies = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}index.html`).then((r) => r.text())));
      expect(new Set(bodies)).toEqual(new Set(['over-ssh\n']));
      // Published on the remote's loopback only: not opened to every user here. Not published: no forward at all.
      expect(await core.router.handle('ports.address', { id: name, port: loopOnly, ip: '127.0.0.1' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', hint: expect.stringMatching(/ssh -L/) } });
      expect(await core.router.handle('ports.address', { id: name, port: 22 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      core.dispose();
      await waitFor(
        () =>
          fetch(url).then(
            () => undefined,
            () => true,
          ),
        5000,
        'the forward closed with the core',
      );
    } finally {
      core.dispose();
    }
  });

  it('an unknown host key keeps the engine unreachable, with the reason', async () => {
    const core = sshCore({ BERTH_SSH_HOST_KEY: 'SHA256:wrongwrongwrongwrongwrongwrongwrongwrongwro' });
    try {
      const status = await waitFor(() => (core.engine.getStatus().state === 'unreachable' ? core.engine.getStatus() : undefined), 15_000, 'unreachable');
      expect(status.reason).toMatch(/^Host key of 127\.0\.0\.1:\d+ is SHA256:\S+, not the pinned SHA256:wrong/);
    } finally {
      core.dispose();
    }
  });
});
