import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient } from './qmp';

/** A QMP server as QEMU's: a greeting, then one JSON reply per command line; HMP commands echo. */
class FakeQmp {
  readonly path: string;
  readonly connections: Socket[] = [];
  readonly commands: string[] = [];
  private readonly server: Server;
  /** Holds the greeting of the next connection back until called. */
  holdGreeting: Promise<void> | undefined;

  constructor(dir: string) {
    this.path = join(dir, 'qmp.sock');
    this.server = createServer((sock) => {
      this.connections.push(sock);
      void (this.holdGreeting ?? Promise.resolve()).then(() => sock.write('{"QMP": {"version": {}, "capabilities": []}}\r\n'));
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const cmd = JSON.parse(buf.slice(0, i)) as { execute: string; arguments?: { 'command-line'?: string } };
          buf = buf.slice(i + 1);
          this.commands.push(cmd.arguments?.['command-line'] ?? cmd.execute);
          sock.write(JSON.stringify({ return: cmd.execute === 'human-monitor-command' ? `did ${cmd.arguments?.['command-line']}\r\n` : {} }) + '\r\n');
        }
      });
      sock.on('error', () => undefined);
    });
  }
  listen = () => new Promise<void>((r) => this.server.listen(this.path, r));
  close = () =>
    new Promise<void>((r) => {
      for (const c of this.connections) c.destroy();
      this.server.close(() => r());
    });
  open = () => this.connections.filter((c) => !c.destroyed && !c.readableEnded);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function fake(): FakeQmp {
  const dir = mkdtempSync(join(tmpdir(), 'berth-qmp-'));
  dirs.push(dir);
  return new FakeQmp(dir);
}
/** Resolves once `cond` holds (checked every few ms), or fails the test after 2 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 2000; !cond();) {
    if (Date.now() > end) throw new Error(`not within 2 s: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('QmpClient', () => {
  it('runs commands in order over one connection, and opens a new one after close()', async () => {
    const q = fake();
    await q.listen();
    const client = new QmpClient(q.path);
    try {
      const outs = await Promise.all([client.hmp('hostfwd_add net0 tcp:127.0.0.1:1-:1'), client.hmp('hostfwd_add net0 tcp:127.0.0.1:2-:2')]);
      expect(outs).toEqual(['did hostfwd_add net0 tcp:127.0.0.1:1-:1\r\n', 'did hostfwd_add net0 tcp:127.0.0.1:2-:2\r\n']);
      expect(q.connections).toHaveLength(1);
      expect(q.commands).toEqual(['qmp_capabilities', 'hostfwd_add net0 tcp:127.0.0.1:1-:1', 'hostfwd_add net0 tcp:127.0.0.1:2-:2']);

      client.close(); // as before a save: QEMU's socket takes one client at a time
      await until(() => q.open().length === 0, 'the connection closed');
      expect(await client.hmp('hostfwd_remove net0 tcp:127.0.0.1:1')).toBe('did hostfwd_remove net0 tcp:127.0.0.1:1\r\n');
      expect(q.connections).toHaveLength(2);
    } finally {
      client.close();
      await q.close();
    }
  });

  it('a close() while a connection is opening leaves no connection to QEMU behind', async () => {
    const q = fake();
    let greet!: () => void;
    q.holdGreeting = new Promise((r) => (greet = r));
    await q.listen();
    const client = new QmpClient(q.path);
    try {
      const late = client.hmp('info network');
      await until(() => q.connections.length === 1, 'the connection made');
      client.close();
      greet();
      await expect(late).rejects.toThrow(/given up/);
      await until(() => q.open().length === 0, 'no connection left');
      expect(q.commands).not.toContain('info network');
    } finally {
      client.close();
      await q.close();
    }
  });

  it('says so in words when QEMU is gone, and works again once it is back', async () => {
    const q = fake();
    const client = new QmpClient(q.path);
    try {
      await expect(client.hmp('info network')).rejects.toThrow(/did not answer/);
      await q.listen();
      expect(await client.hmp('info network')).toBe('did info network\r\n');
      await q.close(); // QEMU exits: said whether or not the client saw its socket close yet
      await expect(client.hmp('info network')).rejects.toThrow(/did not answer|closed its control socket/);
    } finally {
      client.close();
      await q.close();
    }
  });
});
