/**
 * An engine reached over SSH (ssh2): a local unix socket (0600) whose every connection is
 * forwarded to the remote docker.sock through one SSH connection (OpenSSH streamlocal
 * forwarding). The remote host key must match the pinned fingerprint, or nothing is sent. The SSH
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
import { Client, type AgentAuthMethod, type AuthMethod, type ClientChannel, type ConnectConfig, type PublicKeyAuthMethod } from 'ssh2';
import { fingerprint } from './ssh-keys';
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
  refusedHostKey: { key: Buffer; fingerprint: string; changed: boolean } | undefined;

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
    const { target } = this.opts;
    const where = `${target.username}@${target.host}:${target.port}`;
    const closes = this.closes;
    this.connecting = new Promise<Client>((resolve, reject) => {
      const c = new Client();
      let seenKey: string | undefined;
      let seenBlob: Buffer | undefined;
      let ready = false;
      const fail = (message: string, hint?: string) => {
        if (this.closes === closes) {
          this.lastError = message;
          this.connecting = undefined;
        } // else: a later connect's own
        c.end();
        reject(new BerthError('ENGINE_UNREACHABLE', message, hint ? { hint } : {}));
      };
      this.abortConnect = () => fail('The SSH tunnel was closed while it connected.');
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: this.opts.readyTimeoutMs ?? 10_000,
        keepaliveInterval: 15_000,
        ...(this.opts.keepaliveCountMax !== undefined ? { keepaliveCountMax: this.opts.keepaliveCountMax } : {}),
        hostVerifier: (key: Buffer) => {
          seenKey = fingerprint(key);
          seenBlob = key;
          return this.opts.hostKeys.includes(seenKey);
        },
        ...(this.opts.auth
          ? {
              authHandler: <AuthMethod[]>[
                ...(this.opts.auth.agent ? [{ type: 'agent', username: target.username, agent: this.opts.auth.agent } as AgentAuthMethod] : []),
                ...this.opts.auth.keys.map((key): PublicKeyAuthMethod => ({ type: 'publickey', username: target.username, key })),
              ],
            }
          : this.opts.privateKey
            ? { privateKey: this.opts.privateKey }
            : { agent: this.opts.agent }),
      };
      c.once('ready', () => {
        if (this.closes !== closes) return fail('The SSH tunnel was closed while it connected.'); // no client (and keepalive timer) left behind
        ready = true;
        this.refusedHostKey = undefined;
        this.abortConnect = undefined;
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
          if (this.closes === closes) this.refusedHostKey = { key: seenBlob!, fingerprint: seenKey, changed: this.opts.hostKeys.length > 0 };
          fail(
            this.opts.hostKeys.length
              ? `Host key of ${target.host}:${target.port} is ${seenKey}, not the pinned ${this.opts.hostKeys.join(' or ')}: refusing to connect.`
              : `The host ${target.host}:${target.port} presented the key ${seenKey}, which is not in your known_hosts: refusing to connect.`,
            this.opts.hostKeys.length
              ? 'A host key that changed can mean another machine answers at that address: check it before you trust the new key (ssh-keygen -R removes the old one).'
              : "Check the fingerprint with the host's owner, then trust this host (Berth adds it to known_hosts), or connect once with ssh.",
          );
        } else if (e.level === 'client-authentication') {
          const locked = this.opts.lockedKeys ?? [];
          fail(
            `SSH login as ${where} was refused (${e.message}).`,
            locked.length
              ? `Your key ${locked.join(', ')} has a passphrase, which Berth does not ask for: add it to your agent: ssh-add ${locked[0]}`
              : "Check the user name, and that the host's authorized_keys has your key (or that your agent holds it: ssh-add -l).",
          );
        } else fail(`Cannot reach ${where} over SSH: ${e.message}`);
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

  /** The refused host key, as the engine status shows it. */
  get refusedHostKeyInfo(): RefusedHostKey | undefined {
    const r = this.refusedHostKey;
    const { host, port } = this.opts.target;
    return r && { host: knownHostsName(this.opts.knownHosts?.name ?? host, port), fingerprint: r.fingerprint, changed: r.changed };
  }

  /**
   * The user's "trust this host": the refused key, if it is the one they were shown and no other
   * key is known for the host, is appended to known_hosts and pinned; the next connect uses it.
   */
  trustRefusedHostKey(fingerprint: string): void {
    const r = this.refusedHostKey;
    const { host, port } = this.opts.target;
    if (!r || r.fingerprint !== fingerprint)
      throw new BerthError('CONFLICT', `${host}:${port} did not present the key ${fingerprint}: nothing was trusted.`, { hint: 'Retry the connection and check the key it shows.' });
    if (r.changed)
      throw new BerthError('CONFLICT', `The key of ${host}:${port} changed: Berth does not replace a known host key.`, {
        hint: "Check with the host's owner; if the new key is right, remove the old one (ssh-keygen -R) and connect again.",
      });
    if (!this.opts.knownHosts) throw new BerthError('INTERNAL', 'No known_hosts file to trust the key in.');
    trustHostKey(this.opts.knownHosts.file, this.opts.knownHosts.name, port, r.key);
    this.opts.hostKeys.push(fingerprint);
    this.refusedHostKey = undefined;
    this.lastError = undefined;
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
    this.client?.end();
    this.client = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(this.opts.localSocket, { force: true });
  }
}
