/**
 * One SSH login (a jump host or the engine's host) and a chain of them, as OpenSSH's ProxyJump
 * makes it: the first hop over TCP, each next one over a `direct-tcpip` channel the hop before it
 * opens (`forwardOut`), its own ssh2 Client on that stream. Each hop's host key is checked against
 * its own known_hosts entries and each logs in with its own user and keys; a failure names the hop.
 * The first hop may be reached through a ProxyCommand instead of TCP (ssh-proxy-command.ts).
 * Whatever fails or is aborted, every client made so far is ended (and the command killed): no
 * socket, channel or process is left.
 */
import type { Duplex } from 'node:stream';
import { Client, type AgentAuthMethod, type AuthMethod, type ClientChannel, type ConnectConfig, type PublicKeyAuthMethod } from 'ssh2';
import { BerthError } from '../../shared/errors';
import { fingerprint } from './ssh-keys';
import { startProxyCommand } from './ssh-proxy-command';

export interface SshHop {
  host: string;
  port: number;
  username: string;
  /** OpenSSH private key; else the agent at `agent` (SSH_AUTH_SOCK). */
  privateKey?: string | Buffer;
  agent?: string;
  /** Tried in order, as OpenSSH does: the agent, then each key (overrides privateKey/agent). */
  auth?: { agent?: string; keys: Buffer[] };
  /** Key files skipped as passphrase-protected (the hint says to add them to the agent). */
  lockedKeys?: string[];
  /** Fingerprints the host key may have ("SHA256:..."). None: nothing is trusted. */
  hostKeys: string[];
  /** Where a trusted key of this hop is filed (its first UserKnownHostsFile) and under what name. */
  knownHosts?: { file: string; name: string };
  /** The handshake's time limit (the hop's ConnectTimeout; default 10 s); also the limit on opening the channel to it. */
  readyTimeoutMs?: number;
  /** The hop as the config wrote it ("bastion", "me@jump:2222"), for messages. */
  written?: string;
  /** The first hop only: the command (tokens expanded) whose stdin/stdout reach it (ProxyCommand). */
  proxyCommand?: string;
}

/** A host key a hop presented that is not (or not the one) in its known_hosts. */
export interface RefusedKey {
  key: Buffer;
  fingerprint: string;
  changed: boolean;
  /** Which hop of the chain (the engine's host is the last). */
  hop: number;
}

export class HopError extends BerthError {
  constructor(
    message: string,
    hint: string | undefined,
    readonly refused?: RefusedKey,
  ) {
    super('ENGINE_UNREACHABLE', message, hint ? { hint } : {});
  }
}

export interface ChainOptions {
  keepaliveCountMax?: number;
  /** Aborting ends the hop being made and every one before it. */
  signal: AbortSignal;
}

/** "user@host:port", and "the jump host ..." for a hop that is not the engine's own host. */
export function hopName(hops: SshHop[], i: number): string {
  const h = hops[i]!;
  const where = `${h.username}@${h.host}:${h.port}`;
  // ssh -G writes "root@[10.0.0.1]:2" for what was written root@10.0.0.1:2
  const plain = h.written?.replace(/^ssh:\/\//, '').replace(/\[([^\]]+)\]/, '$1');
  const written = plain && plain !== h.host && plain !== where ? `${h.written} (${where})` : where;
  return i < hops.length - 1 ? `the jump host ${written}${hops.length > 2 ? ` (hop ${i + 1} of ${hops.length - 1})` : ''}` : written;
}

const closedWhileConnecting = () => new HopError('The SSH tunnel was closed while it connected.', undefined);

/**
 * Logs in at every hop in turn; resolves with the clients, the engine's host last. Any client of
 * the chain closing ends all the others (a jump host that drops takes the connection down whole).
 */
export async function openChain(hops: SshHop[], o: ChainOptions): Promise<Client[]> {
  const clients: Client[] = [];
  const command = hops[0]!.proxyCommand;
  const proxy = command ? startProxyCommand(command) : undefined;
  const endAll = () => {
    for (const c of [...clients].reverse()) c.end();
    proxy?.kill();
  };
  try {
    let sock: Duplex | undefined = proxy?.sock;
    for (let i = 0; i < hops.length; i++) {
      if (o.signal.aborted) throw closedWhileConnecting();
      if (i > 0) sock = await channelTo(clients[i - 1]!, hops, i, o.signal);
      clients.push(
        await connectHop(hops, i, sock, o).catch(async (e: unknown) => {
          // The command ended before the login: its own words say why.
          if (i === 0 && proxy && !(e instanceof HopError && e.refused) && (await proxy.whenExited(1000)))
            throw new HopError(`The ProxyCommand of ${hopName(hops, 0)} (${command}) ${proxy.said()}.`, 'Run the command in a terminal to see what it does (ssh -G shows the ProxyCommand ssh reads).');
          throw e;
        }),
      );
    }
  } catch (e) {
    endAll();
    throw e;
  }
  for (const c of clients) c.once('close', endAll);
  return clients;
}

/** A direct-tcpip channel from hop i-1 to hop i, within hop i's time limit (a late one is closed). */
function channelTo(via: Client, hops: SshHop[], i: number, signal: AbortSignal): Promise<ClientChannel> {
  const to = hops[i]!;
  const ms = to.readyTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (e: Error | undefined, ch?: ClientChannel) => {
      if (done) return void ch?.close();
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve(ch!);
    };
    const onAbort = () => finish(closedWhileConnecting());
    const timer = setTimeout(
      () =>
        finish(
          new HopError(`${cap(hopName(hops, i - 1))} did not open a connection to ${to.host}:${to.port} within ${ms / 1000} s.`, 'Check that the next hop is up and reachable from the jump host.'),
        ),
      ms,
    );
    signal.addEventListener('abort', onAbort);
    via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, ch) => {
      if (err)
        return finish(
          new HopError(`${cap(hopName(hops, i - 1))} could not connect to ${to.host}:${to.port}: ${err.message}.`, 'Check that the next hop is up, and its HostName and Port in your ssh config.'),
        );
      ch.on('error', () => undefined);
      finish(undefined, ch);
    });
  });
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One login, over `sock` (a channel from the hop before) or over TCP. */
function connectHop(hops: SshHop[], i: number, sock: Duplex | undefined, o: ChainOptions): Promise<Client> {
  const hop = hops[i]!;
  const name = hopName(hops, i);
  return new Promise<Client>((resolve, reject) => {
    const c = new Client();
    let seenKey: string | undefined;
    let seenBlob: Buffer | undefined;
    let settled = false;
    const fail = (e: HopError) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      c.end();
      reject(e);
    };
    const onAbort = () => fail(closedWhileConnecting());
    o.signal.addEventListener('abort', onAbort);
    const config: ConnectConfig = {
      ...(sock ? { sock } : { host: hop.host, port: hop.port }),
      username: hop.username,
      readyTimeout: hop.readyTimeoutMs ?? 10_000,
      keepaliveInterval: 15_000,
      ...(o.keepaliveCountMax !== undefined ? { keepaliveCountMax: o.keepaliveCountMax } : {}),
      hostVerifier: (key: Buffer) => {
        seenKey = fingerprint(key);
        seenBlob = key;
        return hop.hostKeys.includes(seenKey);
      },
      ...(hop.auth
        ? {
            authHandler: <AuthMethod[]>[
              ...(hop.auth.agent ? [{ type: 'agent', username: hop.username, agent: hop.auth.agent } as AgentAuthMethod] : []),
              ...hop.auth.keys.map((key): PublicKeyAuthMethod => ({ type: 'publickey', username: hop.username, key })),
            ],
          }
        : hop.privateKey
          ? { privateKey: hop.privateKey }
          : { agent: hop.agent }),
    };
    c.once('ready', () => {
      if (settled) return void c.end();
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      c.setNoDelay(true); // API calls are small writes: no Nagle delay on them
      resolve(c);
    });
    c.on('error', (e: Error & { level?: string }) => {
      if (settled) return; // a drop after the login: 'close' follows
      const where = `${hop.host}:${hop.port}`;
      const subject = i < hops.length - 1 ? cap(name) : `The host ${where}`;
      if (seenKey && !hop.hostKeys.includes(seenKey)) {
        const changed = hop.hostKeys.length > 0;
        fail(
          new HopError(
            changed
              ? `Host key of ${i < hops.length - 1 ? name : where} is ${seenKey}, not the pinned ${hop.hostKeys.join(' or ')}: refusing to connect.`
              : `${subject} presented the key ${seenKey}, which is not in your known_hosts: refusing to connect.`,
            changed
              ? 'A host key that changed can mean another machine answers at that address: check it before you trust the new key (ssh-keygen -R removes the old one).'
              : "Check the fingerprint with the host's owner, then trust this host (Berth adds it to known_hosts), or connect once with ssh.",
            { key: seenBlob!, fingerprint: seenKey, changed, hop: i },
          ),
        );
      } else if (e.level === 'client-authentication') {
        const locked = hop.lockedKeys ?? [];
        fail(
          new HopError(
            `SSH login as ${i < hops.length - 1 ? `${hop.username} at ${name}` : `${hop.username}@${where}`} was refused (${e.message}).`,
            locked.length
              ? `Your key ${locked.join(', ')} has a passphrase, which Berth does not ask for: add it to your agent: ssh-add ${locked[0]}`
              : "Check the user name, and that the host's authorized_keys has your key (or that your agent holds it: ssh-add -l).",
          ),
        );
      } else if (e.level === 'client-timeout' && !seenKey) {
        fail(
          new HopError(
            `Cannot reach ${name} over SSH: no SSH greeting within ${(hop.readyTimeoutMs ?? 10_000) / 1000} s.`,
            'Check that the host is up and that sshd answers on that port (ConnectTimeout sets the limit).',
          ),
        );
      } else fail(new HopError(`Cannot reach ${name} over SSH: ${e.message}`, undefined));
    });
    c.once('close', () => fail(new HopError(`Cannot reach ${name} over SSH: the connection closed before the login.`, undefined)));
    c.connect(config);
  });
}
