/**
 * An engine reached over SSH (ssh2): a local unix socket (0600) whose every connection is
 * forwarded to the remote docker.sock through one SSH connection (OpenSSH streamlocal
 * forwarding). The remote host key must match the pinned fingerprint, or nothing is sent. The SSH
 * connection is made on first use and again after it drops, so an engine that comes back is found
 * by the engine connection's own retries.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { Client, utils, type ClientChannel, type ConnectConfig } from 'ssh2';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** The engine's socket on the remote machine. */
  remoteSocket: string;
}

export interface SshTunnelOptions {
  target: SshTarget;
  /** OpenSSH private key; else the agent at `agent` (SSH_AUTH_SOCK). */
  privateKey?: string | Buffer;
  agent?: string;
  /** Fingerprints the host key may have, as OpenSSH prints them ("SHA256:..."). None: nothing is trusted. */
  hostKeys: string[];
  /** Where the local end listens. */
  localSocket: string;
  readyTimeoutMs?: number;
}

/** OpenSSH's fingerprint of a public key blob: SHA256, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** A new ed25519 key pair in OpenSSH format (for a per-install key). */
export function generateKeyPair(comment: string): { privateKey: string; publicKey: string } {
  const k = utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: k.private, publicKey: k.public };
}

export class SshTunnel {
  private server: Server | undefined;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly sockets = new Set<Socket>();
  /** Why the last SSH connection failed, in words (undefined once one succeeded). */
  lastError: string | undefined;

  constructor(private readonly opts: SshTunnelOptions) {}

  get endpoint(): string {
    return `unix://${this.opts.localSocket}`;
  }

  /** Listens on the local socket. The SSH connection itself is made on first use. */
  async listen(): Promise<void> {
    mkdirSync(dirname(this.opts.localSocket), { recursive: true, mode: 0o700 });
    rmSync(this.opts.localSocket, { force: true }); // a stale socket from a crashed run
    const server = createServer({ allowHalfOpen: true }, (sock) => void this.forward(sock)); // docker run closes its write side and still reads
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.localSocket, () => resolve());
    });
    chmodSync(this.opts.localSocket, 0o600);
    this.server = server;
  }

  /** Connects now (or reuses the connection); rejects with the reason in words. */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    const { target } = this.opts;
    const where = `${target.username}@${target.host}:${target.port}`;
    this.connecting = new Promise<Client>((resolve, reject) => {
      const c = new Client();
      let seenKey: string | undefined;
      let ready = false;
      const fail = (message: string) => {
        this.lastError = message;
        this.connecting = undefined;
        c.end();
        reject(new Error(message));
      };
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: this.opts.readyTimeoutMs ?? 10_000,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          seenKey = fingerprint(key);
          return this.opts.hostKeys.includes(seenKey);
        },
        ...(this.opts.privateKey ? { privateKey: this.opts.privateKey } : { agent: this.opts.agent }),
      };
      c.once('ready', () => {
        ready = true;
        c.setNoDelay(true); // API calls are small writes: no Nagle delay on them
        this.client = c;
        this.connecting = undefined;
        this.lastError = undefined;
        resolve(c);
      });
      c.on('error', (e: Error & { level?: string }) => {
        if (ready) {
          // A drop after the login: the next use reconnects ('close' follows and clears it).
          this.lastError = `The SSH connection to ${where} failed: ${e.message}`;
          return;
        }
        if (seenKey && !this.opts.hostKeys.includes(seenKey)) {
          fail(
            this.opts.hostKeys.length
              ? `Host key of ${target.host}:${target.port} is ${seenKey}, not the pinned ${this.opts.hostKeys.join(' or ')}: refusing to connect.`
              : `Host key of ${target.host}:${target.port} (${seenKey}) is not known. Connect once with ssh to add it to ~/.ssh/known_hosts, or set BERTH_SSH_HOST_KEY to it.`,
          );
        }
        else if (e.level === 'client-authentication') fail(`SSH login as ${where} was refused (${e.message}).`);
        else fail(`Cannot reach ${where} over SSH: ${e.message}`);
      });
      c.on('close', () => {
        if (this.client === c) this.client = undefined;
      });
      c.connect(config);
    });
    return this.connecting;
  }

  private async forward(sock: Socket): Promise<void> {
    this.sockets.add(sock);
    sock.once('close', () => this.sockets.delete(sock));
    let client: Client;
    try {
      client = await this.connect();
    } catch {
      sock.destroy();
      return;
    }
    client.openssh_forwardOutStreamLocal(this.opts.target.remoteSocket, (err, stream) => {
      if (err) {
        this.lastError = `The remote engine socket ${this.opts.target.remoteSocket} is not reachable: ${err.message}`;
        sock.destroy();
        return;
      }
      this.join(sock, stream);
    });
  }

  private join(sock: Socket, stream: ClientChannel): void {
    sock.pipe(stream).pipe(sock);
    // Either side failing ends both; an unhandled 'error' would take the app down.
    sock.on('error', () => stream.close());
    stream.on('error', () => sock.destroy());
    stream.once('close', () => sock.destroy());
    sock.once('close', () => stream.close());
  }

  /** Runs a command on the remote; resolves with its output and exit code. */
  async exec(command: string): Promise<{ code: number | null; output: string }> {
    const client = await this.connect();
    return new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        let output = '';
        stream.on('data', (d: Buffer) => (output += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (output += d.toString()));
        stream.once('close', (code: number | null) => resolve({ code, output }));
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.client?.end();
    this.client = undefined;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
    rmSync(this.opts.localSocket, { force: true });
  }
}
