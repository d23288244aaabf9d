import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PORT_FORWARDS, SshPortForwards } from './ssh-port-forwards';

/** A fake SSH client whose channels are plain TCP connections to 127.0.0.1:<target port>. */
const client = {
  forwardOut: (_sip: string, _sport: number, _host: string, port: number, cb: (err: Error | undefined, stream: ClientChannel) => void) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => cb(undefined, Object.assign(s, { close: () => s.destroy() }) as unknown as ClientChannel));
    s.once('error', (e) => cb(e, undefined as unknown as ClientChannel));
  },
} as unknown as Client;

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function echoServer(): Promise<number> {
  const s = createServer((c) => c.pipe(c));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as { port: number }).port;
}

function forwards(connectOk = true) {
  const sockets = new Set<Socket>();
  const f = new SshPortForwards({
    connect: () => (connectOk ? Promise.resolve(client) : Promise.reject(new Error('down'))),
    join: (sock, stream) => {
      sock.pipe(stream as unknown as Socket).pipe(sock);
      sock.once('close', () => stream.close());
    },
    track: (sock) => sockets.add(sock),
    log: () => undefined,
    channelTimeoutMs: () => 2000,
  });
  return { f, sockets };
}

/** Sends a line through 127.0.0.1:port and resolves with what comes back, or the error. */
function roundTrip(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (!got.includes('\n')) return;
      s.destroy();
      resolve(got);
    });
    s.on('error', (e) => resolve(`error: ${(e as NodeJS.ErrnoException).code}`));
    s.on('close', () => resolve(got || 'closed'));
    s.write('ping\n');
  });
}

describe('SSH port forwards', () => {
  it('forwards; calls at once share one listener; closing ends them all', async () => {
    const target = await echoServer();
    const { f } = forwards();
    const [a, b] = await Promise.all([f.forward('127.0.0.1', target), f.forward('127.0.0.1', target)]);
    expect(a).toBe(b);
    expect(f.count).toBe(1);
    expect(await roundTrip(a)).toBe('ping\n');
    f.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await roundTrip(a)).toBe('error: ECONNREFUSED');
  });

  it('keeps the forwards used last; the one used longest ago is closed', async () => {
    const target = await echoServer();
    const { f } = forwards();
    const first = await f.forward('127.0.0.1', target);
    for (let i = 1; i < MAX_PORT_FORWARDS; i++) await f.forward(`10.0.0.${i}`, 80);
    await f.forward('127.0.0.1', target); // used again: kept
    await f.forward('10.0.1.1', 80); // one more: the oldest unused one goes
    expect(f.count).toBe(MAX_PORT_FORWARDS);
    expect(await roundTrip(first)).toBe('ping\n');
    f.close();
  });

  it('a target that refuses, or no SSH connection: the local connection is closed, nothing hangs', async () => {
    const { f } = forwards();
    expect(await roundTrip(await f.forward('127.0.0.1', 9))).toBe('closed');
    const down = forwards(false);
    expect(await roundTrip(await down.f.forward('127.0.0.1', 9))).toBe('closed');
    f.close();
    down.f.close();
  });
});
