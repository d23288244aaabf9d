/**
 * The SSH tunnel's own logic around a connection: what happens when the tunnel closes while a
 * local connection waits, and when the remote never answers. The far end is a plain TCP server
 * that counts the connections made to it (no sshd: nothing here gets as far as a login).
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { generateKeyPair } from './ssh-keys';
import { SshTunnel } from './ssh-tunnel';

/** A TCP server that accepts and never says a word; counts what reaches it. */
async function silentServer() {
  const socks = new Set<Socket>();
  let accepted = 0;
  const server = createServer((s) => (accepted++, socks.add(s), s.on('error', () => undefined)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    accepted: () => accepted,
    close: () => {
      for (const s of socks) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Connects to the local socket; resolves once the tunnel closes it. */
function localConnection(path: string) {
  const sock = createConnection(path);
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  return { sock, closed };
}

const tunnel = (port: number, dir: string, extra: Partial<ConstructorParameters<typeof SshTunnel>[0]> = {}) =>
  new SshTunnel({
    target: { host: '127.0.0.1', port, username: 'root', remoteSocket: '/var/run/docker.sock' },
    privateKey: generateKeyPair('test').privateKey,
    hostKeys: [],
    localSocket: join(dir, 'local.sock'),
    ...extra,
  });

describe('SSH tunnel', () => {
  it('a connection that waited in beforeForward while the tunnel closed is dropped, and no SSH connection is made', async () => {
    const far = await silentServer();
    const dir = tempDir('tunnel');
    let release!: () => void;
    let waiting!: () => void;
    const entered = new Promise<void>((r) => (waiting = r));
    const t = tunnel(far.port, dir, { beforeForward: () => (waiting(), new Promise<void>((r) => (release = r))) });
    try {
      await t.listen();
      const connect = vi.spyOn(t, 'connect');
      const c = localConnection(join(dir, 'local.sock'));
      await entered; // the VM is waking
      await t.close();
      release();
      await c.closed;
      await new Promise((r) => setImmediate(r)); // what the release set going (promise steps) has run
      expect(connect).not.toHaveBeenCalled();
      expect(far.accepted()).toBe(0);
    } finally {
      await t.close();
      await far.close();
    }
  });

  it('a channel that does not come within the limit closes the local connection and logs why', async () => {
    const far = await silentServer(); // a hung guest: the TCP connection is taken, no SSH answer ever
    const dir = tempDir('tunnel');
    const lines: string[] = [];
    const t = tunnel(far.port, dir, { channelTimeoutMs: 200, readyTimeoutMs: 60_000, log: (l) => lines.push(l) });
    try {
      await t.listen();
      const c = localConnection(join(dir, 'local.sock'));
      await c.closed;
      expect(lines).toEqual([expect.stringMatching(/^No channel to the remote engine socket \/var\/run\/docker\.sock within 0\.2 s \(the remote machine does not answer\)/)]);
      expect(t.lastError).toBe(lines[0]);
    } finally {
      await t.close();
      await far.close();
    }
  });
});
