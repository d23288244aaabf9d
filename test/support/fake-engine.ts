/** A fake docker engine on a unix socket: answers as a test says, counts requests and open connections. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** What a connection needs (ping, version, a silent event stream); anything else goes to `rest`. */
export function engineLike(rest: Handler): Handler {
  return (req, res) => {
    const path = req.url?.split('?')[0];
    if (path === '/_ping') return void res.end('OK');
    if (path === '/version') return void res.end(JSON.stringify({ Version: '99.0-fake', ApiVersion: '1.41' }));
    if (path === '/events') return void res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
    rest(req, res);
  };
}

export class FakeEngine {
  readonly dir = mkdtempSync(join('/tmp', 'berth-fake-engine-'));
  readonly socketPath = join(this.dir, 'docker.sock');
  readonly requests: string[] = [];
  /** Connections the server has taken, ever. */
  connections = 0;
  readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(handler: Handler) {
    this.server = createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      handler(req, res);
    });
    this.server.on('connection', (s) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  listen(): Promise<this> {
    return new Promise((resolve) => this.server.listen(this.socketPath, () => resolve(this)));
  }

  /** Connections still open on the server's side. */
  get open(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
