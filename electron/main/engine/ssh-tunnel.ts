/**
 * An engine reached over SSH (ssh2): a local unix socket (0600) whose every connection is
 * forwarded to the remote docker.sock through one SSH connection (OpenSSH streamlocal
 * forwarding), made through jump hosts if there are any (ProxyJump: ssh-hop.ts). Each host key
 * must match a pinned fingerprint, or nothing is sent. The SSH
 * connection is made on first use and again after it drops, so an engine that comes back is found
 * by the engine connection's own retries.
 *
 * A new connection's channel is opened before it comes (one kept ready, spare.ts): in the Berth VM
 * under software emulation, opening one is a round trip through sshd plus dockerd accepting, about
 * as long as a /_ping itself. The cipher is ssh2's default: aes128-gcm, chacha20-poly1305 and
 * aes128-ctr with an etm MAC answered within 0.1 ms of each other there (a round trip is about 1 ms
 * through sshd, the crypto a small part of it), and sshd's Nagle made no difference either.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Client, ClientChannel } from 'ssh2';
import { HopError, openChain, type RefusedKey, type SshHop } from './ssh-hop';
import { SshPortForwards } from './ssh-port-forwards';
import { Spare } from './spare';
import { BerthError } from '../../shared/errors';
import type { RefusedHostKey } from '../../shared/models';
import { knownHostsName, trustHostKey } from './known-hosts';

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
  /** Tried in order, as OpenSSH does: the agent, then each key (overrides privateKey/agent). */
  auth?: { agent?: string; keys: Buffer[] };
  /** Key files skipped as passphrase-protected (the hint says to add them to the agent). */
  lockedKeys?: string[];
  /** Fingerprints the host key may have, as OpenSSH prints them ("SHA256:..."). None: nothing is trusted. */
  hostKeys: string[];
  /** Where the local end listens. */
  localSocket: string;
  /** The jump hosts to go through, in order (ProxyJump), each with its own login and host keys. */
  jumps?: SshHop[];
  /** With no jump hosts: the command (tokens expanded) whose stdin/stdout reach the host (ProxyCommand). */
  proxyCommand?: string;
  /** Why this engine cannot be reached at all (its ssh config could not be read, ...): every connect fails with it. */
  refuse?: BerthError;
  /** Where trustHostKey() files a refused unknown key (the first UserKnownHostsFile) and under what name. */
  knownHosts?: { file: string; name: string };
  readyTimeoutMs?: number;
  /** Unanswered keepalives (one per 15 s) before the connection counts as dropped (ssh2's default: 3). */
  keepaliveCountMax?: number;
  /** Runs before each new local connection is forwarded (it waits; a rejection drops it): e.g. resuming a paused VM. */
  beforeForward?: () => Promise<void> | void;
  /** Called on the bytes of every forwarded connection, either way (an idle timer's activity). */
  onTraffic?: () => void;
  /** Channels to the remote engine socket kept open ahead of the next connections (default 1; 0: none). */
  spareChannels?: number;
  /** How long a local connection waits for its channel before it is closed (default 15 s: a hung remote must not hang every call). */
  channelTimeoutMs?: number;
  /** Where a dropped connection's reason goes (default: console.warn). */
  log?: (line: string) => void;
}

interface Forwarded {
  client: Client;
  stream: ClientChannel;
}

/** Closes a channel no one reads (what it still receives is read and dropped). */
function closeChannel({ stream }: Forwarded): void {
  stream.resume();
  stream.close();
}

class ChannelTimeout extends Error {}

export class SshTunnel {
  private server: Server | undefined;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly portForwards = new SshPortForwards({
    connect: () => this.connect(),
    join: (sock, stream) => this.join(sock, stream),
    track: (sock) => {
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
    },
    log: (line) => this.log(line),
    channelTimeoutMs: () => this.channelTimeoutMs,
  });
  private closed = false;
  /** Counts the closes: a connection begun before one is not kept after it. */
  private closes = 0;
  /** Ends the connection being made (at close). */
  private abortConnect: (() => void) | undefined;
  /** Channels opened ahead: a new connection is forwarded without waiting a round trip for its own (spare.ts). */
  private readonly spare: Spare<Forwarded>;
  /** Why the last SSH connection failed, in words (undefined once one succeeded). */
  lastError: string | undefined;
  /** The host key the last refused connection was shown, and why it was refused. */
  refusedHostKey: RefusedKey | undefined;
  /** The clients of the connection in use: the jump hosts', then the engine host's (this.client). */
  private chain: Client[] = [];

  constructor(private readonly opts: SshTunnelOptions) {
    this.spare = new Spare<Forwarded>({
      open: () => this.openChannel(),
      usable: ({ client, stream }) => {
        // ssh2's own fields: 'open' until either end says EOF or close. Not there (another ssh2): not usable.
        const state = stream as unknown as { incoming?: { state?: string }; outgoing?: { state?: string } };
        return client === this.client && state.incoming?.state === 'open' && state.outgoing?.state === 'open';
      },
      discard: closeChannel,
      // dockerd drops a connection that sent no request after 5 minutes (its ReadHeaderTimeout); one
      // well under that is safe. Past it, the next connection opens its own (and the spares after).
      maxAgeMs: 120_000,
      // One: with two, back-to-back calls were 10-15% slower in the VM (each call's refill competed
      // with the next call in the guest); calls with time between them were the same.
      count: opts.spareChannels ?? 1,
    });
  }

  get endpoint(): string {
    return `unix://${this.opts.localSocket}`;
  }

  /** Listens on the local socket. The SSH connection itself is made on first use. */
  async listen(): Promise<void> {
    this.closed = false;
    this.spare.reopen();
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

  /**
   * Connects now (or reuses the connection); rejects with the reason in words. Also after close():
   * a VM whose save failed is then shut down over a new connection (`exec`); what listens here
   * (the socket, the port forwards) stays closed.
   */
  connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (this.connecting) return this.connecting;
    if (this.opts.refuse) {
      this.lastError = this.opts.refuse.message;
      return Promise.reject(this.opts.refuse);
    }
    const closes = this.closes;
    const abort = new AbortController();
    this.abortConnect = () => abort.abort();
    const hops = this.hops;
    this.connecting = openChain(hops, { signal: abort.signal, ...(this.opts.keepaliveCountMax !== undefined ? { keepaliveCountMax: this.opts.keepaliveCountMax } : {}) }).then(
      (clients) => {
        const c = clients.at(-1)!;
        if (this.closes !== closes) {
          // closed while it connected: no client (and keepalive timer) left behind
          for (const k of clients) k.end();
          throw new BerthError('ENGINE_UNREACHABLE', 'The SSH tunnel was closed while it connected.');
        }
        this.refusedHostKey = undefined;
        this.abortConnect = undefined;
        this.client = c;
        this.chain = clients;
        this.connecting = undefined;
        this.lastError = undefined;
        const where = `${this.opts.target.username}@${this.opts.target.host}:${this.opts.target.port}`;
        // A drop after the login: the next use reconnects ('close' follows and clears it).
        for (const k of clients) k.on('error', (e: Error) => (this.lastError = `The SSH connection to ${where} failed: ${e.message}`));
        c.once('close', () => {
          if (this.client === c) {
            this.client = undefined;
            this.chain = [];
          }
        });
        return c;
      },
      (e: unknown) => {
        if (this.closes === closes) {
          this.lastError = (e as Error).message;
          this.connecting = undefined;
          if (e instanceof HopError && e.refused) this.refusedHostKey = e.refused;
        } // else: a later connect's own
        throw e;
      },
    );
    return this.connecting;
  }

  /** The logins made for a connection: the jump hosts in order, then the engine's host. */
  private get hops(): SshHop[] {
    const { target, privateKey, agent, auth, lockedKeys, hostKeys, knownHosts, readyTimeoutMs, proxyCommand } = this.opts;
    const last: SshHop = {
      host: target.host,
      port: target.port,
      username: target.username,
      hostKeys,
      ...(privateKey !== undefined ? { privateKey } : {}),
      ...(agent !== undefined ? { agent } : {}),
      ...(auth ? { auth } : {}),
      ...(lockedKeys ? { lockedKeys } : {}),
      ...(knownHosts ? { knownHosts } : {}),
      ...(readyTimeoutMs !== undefined ? { readyTimeoutMs } : {}),
      ...(proxyCommand ? { proxyCommand } : {}),
    };
    return [...(this.opts.jumps ?? []), last];
  }

  private async forward(sock: Socket): Promise<void> {
    this.sockets.add(sock);
    sock.once('close', () => this.sockets.delete(sock));
    let channel: Forwarded;
    try {
      await this.opts.beforeForward?.();
      // Closed while it waited (a VM waking): no new SSH connection after close.
      if (this.closed || sock.destroyed) return void sock.destroy();
      channel = await this.withinLimit(this.spare.take());
    } catch (e) {
      if (e instanceof ChannelTimeout) {
        this.lastError = e.message;
        this.log(e.message);
      }
      sock.destroy();
      return;
    }
    if (sock.destroyed || this.closed) return closeChannel(channel); // the local end went away meanwhile
    this.join(sock, channel.stream);
    // The next connection's channel is opened once this one is answered (or ends): opened at the
    // same time, it would slow this call's answer in a slow guest.
    const next = () => {
      channel.stream.off('data', next).off('close', next);
      if (this.server) this.spare.refill(); // not once closed: that would connect again
    };
    channel.stream.once('data', next).once('close', next);
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => console.warn(`[ssh-tunnel] ${l}`)))(line);
  }

  private get channelTimeoutMs(): number {
    return this.opts.channelTimeoutMs ?? 15_000;
  }

  /** `p`, or a ChannelTimeout after channelTimeoutMs; a channel that comes after that is closed. */
  private withinLimit(p: Promise<Forwarded>): Promise<Forwarded> {
    const ms = this.channelTimeoutMs;
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new ChannelTimeout(`No channel to the remote engine socket ${this.opts.target.remoteSocket} within ${ms / 1000} s (the remote machine does not answer): the connection was closed.`));
      }, ms);
      timer.unref?.();
      p.then(
        (ch) => (late ? closeChannel(ch) : (clearTimeout(timer), resolve(ch))),
        (e: unknown) => (late ? undefined : (clearTimeout(timer), reject(e))),
      );
    });
  }

  /** A channel to the remote engine socket over the current SSH connection (within the channel time limit). */
  private openChannel(): Promise<Forwarded> {
    return this.withinLimit(
      this.connect().then(
        (client) =>
          new Promise<Forwarded>((resolve, reject) =>
            client.openssh_forwardOutStreamLocal(this.opts.target.remoteSocket, (err, stream) => {
              if (err) {
                this.lastError = `The remote engine socket ${this.opts.target.remoteSocket} is not reachable: ${err.message}`;
                return reject(err);
              }
              stream.on('error', () => undefined); // a spare waiting for its use must not take the app down
              resolve({ client, stream });
            }),
          ),
      ),
    );
  }

  /** The refused host key, as the engine status shows it (of the hop that refused: a jump host or the engine's host). */
  get refusedHostKeyInfo(): RefusedHostKey | undefined {
    const r = this.refusedHostKey;
    if (!r) return undefined;
    const hop = this.hops[r.hop]!;
    return { host: knownHostsName(hop.knownHosts?.name ?? hop.host, hop.port), fingerprint: r.fingerprint, changed: r.changed };
  }

  /**
   * The user's "trust this host": the refused key, if it is the one they were shown and no other
   * key is known for the host, is appended to that hop's known_hosts and pinned; the next connect uses it.
   */
  trustRefusedHostKey(fingerprint: string): void {
    const r = this.refusedHostKey;
    const hop = r ? this.hops[r.hop]! : this.hops.at(-1)!;
    const { host, port } = hop;
    if (!r || r.fingerprint !== fingerprint)
      throw new BerthError('CONFLICT', `${host}:${port} did not present the key ${fingerprint}: nothing was trusted.`, { hint: 'Retry the connection and check the key it shows.' });
    if (r.changed)
      throw new BerthError('CONFLICT', `The key of ${host}:${port} changed: Berth does not replace a known host key.`, {
        hint: "Check with the host's owner; if the new key is right, remove the old one (ssh-keygen -R) and connect again.",
      });
    if (!hop.knownHosts) throw new BerthError('INTERNAL', 'No known_hosts file to trust the key in.');
    trustHostKey(hop.knownHosts.file, hop.knownHosts.name, port, r.key);
    hop.hostKeys.push(fingerprint);
    this.refusedHostKey = undefined;
    this.lastError = undefined;
  }

  /** Whether an SSH connection is up now (for tests: a drop is seen here once ssh2 has closed it). */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Spare channels ready and still usable (for tests: a remote end that closed is seen here). */
  get usableSpares(): number {
    return this.spare.usableCount;
  }

  private join(sock: Socket, stream: ClientChannel): void {
    sock.pipe(stream).pipe(sock);
    const traffic = this.opts.onTraffic;
    if (traffic) {
      sock.on('data', traffic);
      stream.on('data', traffic);
    }
    // Either side failing ends both; an unhandled 'error' would take the app down.
    sock.on('error', () => stream.close());
    stream.on('error', () => sock.destroy());
    stream.once('close', () => sock.destroy());
    sock.once('close', () => stream.close());
  }

  /** A local port (on 127.0.0.1) forwarded to `host:port` as the remote machine sees it (see SshPortForwards). */
  forwardPort(host: string, port: number): Promise<number> {
    if (this.closed) return Promise.reject(new BerthError('ENGINE_UNREACHABLE', 'the SSH tunnel is closed'));
    return this.portForwards.forward(host, port);
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
    this.closed = true;
    this.closes++;
    this.abortConnect?.();
    this.abortConnect = undefined;
    this.connecting = undefined;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.portForwards.close();
    this.spare.close();
    for (const c of [...this.chain].reverse()) c.end();
    this.chain = [];
    this.client?.end();
    this.client = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(this.opts.localSocket, { force: true });
  }
}
