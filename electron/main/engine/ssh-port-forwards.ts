/**
 * Published ports of an ssh:// engine, opened from here: a local listener on 127.0.0.1 per remote
 * host:port, each connection a channel over the tunnel's SSH connection. Calls for a target at
 * once share one listener; the MAX_PORT_FORWARDS used last are kept; all close with the tunnel.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { BerthError } from '../../shared/errors';

/** Forwards at once (each a listener on 127.0.0.1); past it, the one used longest ago is closed. */
export const MAX_PORT_FORWARDS = 64;

export interface PortForwardHost {
  connect(): Promise<Client>;
  /** Pipes the local socket and the channel both ways, each ending the other. */
  join(sock: Socket, stream: ClientChannel): void;
  /** Holds the socket until it closes (the tunnel's close ends it). */
  track(sock: Socket): void;
  log(line: string): void;
  channelTimeoutMs(): number;
}

export class SshPortForwards {
  private readonly forwards = new Map<string, { server: Server; port: Promise<number> }>(); // in the order used
  /** Bumped by each close: a listener or connection begun before one is not kept after it. */
  private closes = 0;

  constructor(private readonly host: PortForwardHost) {}

  /** The tunnel asks only while it is open. */
  forward(host: string, port: number): Promise<number> {
    const key = `${host}:${port}`;
    const known = this.forwards.get(key);
    if (known) {
      this.forwards.delete(key); // used last: kept longest
      this.forwards.set(key, known);
      return known.port;
    }
    const closes = this.closes;
    const server = createServer((sock) => this.connection(sock, host, port, closes));
    server.on('error', (e) => this.host.log(`The local forward of ${key} failed: ${e.message}`)); // after listening: logged, never thrown
    const local = new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        if (this.closes !== closes || this.forwards.get(key)?.server !== server) {
          server.close(); // closed, or evicted, while it started
          return reject(new BerthError('ENGINE_UNREACHABLE', 'the SSH tunnel is closed'));
        }
        resolve((server.address() as { port: number }).port);
      });
    });
    this.forwards.set(key, { server, port: local });
    local.catch(() => {
      if (this.forwards.get(key)?.server === server) this.forwards.delete(key);
    });
    if (this.forwards.size > MAX_PORT_FORWARDS) {
      const [oldest, f] = this.forwards.entries().next().value!;
      this.forwards.delete(oldest);
      f.server.close();
    }
    return local;
  }

  /** The local ports listening now (for tests). */
  get count(): number {
    return this.forwards.size;
  }

  close(): void {
    this.closes++;
    for (const f of this.forwards.values()) f.server.close();
    this.forwards.clear();
  }

  /** One connection to a forwarded port: a channel to the target, within the channel time limit. */
  private connection(sock: Socket, host: string, port: number, closes: number): void {
    sock.on('error', () => undefined);
    if (this.closes !== closes) return void sock.destroy();
    this.host.track(sock);
    const timer = setTimeout(() => sock.destroy(), this.host.channelTimeoutMs());
    timer.unref?.();
    this.host.connect().then(
      (client) =>
        client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
          clearTimeout(timer);
          if (err || sock.destroyed || this.closes !== closes) {
            if (err) this.host.log(`Port ${host}:${port} on the remote machine is not reachable: ${err.message}`);
            stream?.close();
            return void sock.destroy();
          }
          this.host.join(sock, stream);
        }),
      () => (clearTimeout(timer), sock.destroy()),
    );
  }
}
