/**
 * The SSH tunnel's channel opened ahead (spare.ts), against a real sshd and a small engine of our
 * own at the far end that numbers the connections it accepts: which one answered says whether a
 * request went over the channel opened before it came.
 */
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTunnel } from '../../electron/main/engine/ssh-tunnel';
import { startSshd, type Sshd } from '../support/sshd';
import { tempDir } from '../support/temp';

let sshd: Sshd;
beforeAll(async () => void (sshd = await startSshd()));
afterAll(() => sshd?.stop());

/** Answers every request with the number of the connection it came on; keeps its connections. */
async function numberingEngine(path: string) {
  const open = new Map<number, Socket>();
  let accepted = 0;
  const server: Server = createServer((sock) => {
    const n = ++accepted;
    open.set(n, sock);
    sock.on('close', () => open.delete(n));
    sock.on('error', () => undefined);
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        const body = `conn ${n}`;
        sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  return { open, accepted: () => accepted, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function get(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/_ping', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A tunnel to a numbering engine; `spareChannels` as given (undefined: the default). */
async function setup(spareChannels?: number) {
  const dir = tempDir('spare');
  const engine = await numberingEngine(join(dir, 'engine.sock'));
  const local = join(dir, 'local.sock');
  const t = new SshTunnel({
    target: { host: '127.0.0.1', port: sshd.port, username: 'root', remoteSocket: join(dir, 'engine.sock') },
    privateKey: sshd.clientKey,
    hostKeys: [sshd.hostKey],
    localSocket: local,
    ...(spareChannels === undefined ? {} : { spareChannels }),
  });
  await t.listen();
  return { engine, local, t };
}

describe('SSH tunnel: a channel opened ahead of the next connection (real sshd)', () => {
  it('forwards the next connection over the channel opened after the last was answered', async () => {
    const { engine, local, t } = await setup(1);
    try {
      expect(await get(local)).toBe('conn 1');
      await until('the spare channel to reach the engine', () => engine.accepted() === 2);
      expect(await get(local)).toBe('conn 2'); // the one already open, not a new one
      await until('the next spare', () => engine.accepted() === 3);
      // Connections at once: each gets a channel of its own, whether the spare or a new one.
      const answers = await Promise.all(Array.from({ length: 5 }, () => get(local)));
      expect(new Set(answers).size).toBe(5);
    } finally {
      await t.close();
      await engine.close();
    }
  });

  it('does not hand out a spare whose engine end was closed: the connection gets a new channel', async () => {
    const { engine, local, t } = await setup(1);
    try {
      await get(local);
      await until('the spare channel to reach the engine', () => engine.open.has(2));
      engine.open.get(2)!.destroy(); // the engine drops the idle connection
      await until('the drop to be seen', () => !engine.open.has(2));
      await until('sshd to pass the close on to the spare', () => t.usableSpares === 0);
      expect(await get(local)).toBe('conn 3');
    } finally {
      await t.close();
      await engine.close();
    }
  });

  it('keeps one ready by default, two when asked; closing the tunnel leaves no connection open at the engine', async () => {
    for (const [count, accepted] of [
      [undefined, 2],
      [2, 3],
    ] as const) {
      const { engine, local, t } = await setup(count);
      expect(await get(local)).toBe('conn 1');
      await until(`${accepted - 1} spare channels to reach the engine`, () => engine.accepted() === accepted);
      expect(await get(local)).toBe('conn 2');
      await until('the spares to be made up again', () => engine.accepted() === accepted + 1);
      await t.close();
      await until('every engine connection to end', () => engine.open.size === 0);
      expect(engine.accepted()).toBe(accepted + 1); // closing opened no new one
      await engine.close();
    }
  });

  it('with none kept ready, each connection opens its own channel when it comes', async () => {
    const { engine, local, t } = await setup(0);
    try {
      expect(await get(local)).toBe('conn 1');
      expect(await get(local)).toBe('conn 2');
      await new Promise((r) => setTimeout(r, 300));
      expect(engine.accepted()).toBe(2);
    } finally {
      await t.close();
      await engine.close();
    }
  });
});
