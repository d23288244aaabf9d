/**
 * What an ssh:// engine needs from this machine, found the way OpenSSH finds it: the host (and its
 * user, port, keys) as `ssh -G` resolves it, the host key in the UserKnownHostsFile (plain or
 * hashed entries), the agent and the key files; each ProxyJump hop the same way (ssh-jump.ts).
 * BERTH_SSH_KEY and BERTH_SSH_HOST_KEY override them for the engine's host, BERTH_SSH_CONFIG (an
 * `ssh -F` file) for every hop.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { BerthError } from '../../shared/errors';
import type { EngineEndpoint } from './endpoint';
import { findSsh, resolveSshHost, type ResolvedSshHost } from './ssh-resolve';
import type { SshHop } from './ssh-hop';
import { jumpChain } from './ssh-jump';
import { expandProxyCommand } from './ssh-proxy-command';
import { fingerprint } from './ssh-keys';
import { SshTunnel } from './ssh-tunnel';

/** Fingerprints of the keys known_hosts lists for host:port (OpenSSH writes "[host]:port" when not 22). */
export function knownHostKeys(knownHosts: string, host: string, port: number): string[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const out: string[] = [];
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , blob] = line.split(/\s+/);
    if (!hosts || !blob) continue;
    const matches = hosts.split(',').some((h) => {
      if (h.startsWith('|1|')) {
        const [, , salt, hash] = h.split('|');
        return createHmac('sha1', Buffer.from(salt!, 'base64')).update(name).digest('base64') === hash;
      }
      return h === name;
    });
    if (matches) out.push(fingerprint(Buffer.from(blob, 'base64')));
  }
  return out;
}

/**
 * The tunnel for an ssh:// engine, its host resolved as `ssh` resolves it (ssh-resolve.ts): the
 * agent first, then the config's IdentityFiles in order (passphrase-protected ones are left to the
 * agent: Berth asks for no passphrase); the host key checked against the UserKnownHostsFile(s).
 */
export function sshTunnelFor(endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>, localSocket: string, env: NodeJS.ProcessEnv, home: string): SshTunnel {
  try {
    return resolvedTunnel(endpoint, localSocket, env, home);
  } catch (e) {
    // A config ssh refuses, a key file that cannot be read, a ProxyJump loop: said on every connect, not thrown here.
    const refuse = e instanceof BerthError ? e : new BerthError('ENGINE_UNREACHABLE', `Cannot prepare the SSH connection to ${endpoint.host}: ${(e as Error).message}`);
    const target = { host: endpoint.host, port: endpoint.port ?? 22, username: endpoint.username ?? '', remoteSocket: endpoint.socketPath };
    return new SshTunnel({ target, hostKeys: [], localSocket, refuse });
  }
}

function resolvedTunnel(endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>, localSocket: string, env: NodeJS.ProcessEnv, home: string): SshTunnel {
  const resolveOpts = { home, ...(env.BERTH_SSH_CONFIG ? { configFile: env.BERTH_SSH_CONFIG } : {}), sshBinary: findSsh(env) };
  const host = resolveSshHost(endpoint.host, { ...(endpoint.username ? { user: endpoint.username } : {}), ...(endpoint.port ? { port: endpoint.port } : {}) }, resolveOpts);
  const chain = jumpChain(host, endpoint.host, (spec) => resolveSshHost(spec.host, { ...(spec.user ? { user: spec.user } : {}), ...(spec.port ? { port: spec.port } : {}) }, resolveOpts));
  const agent = env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {};
  const target = login(host, env.BERTH_SSH_KEY ? [env.BERTH_SSH_KEY] : host.identityFiles, home, agent);
  if (env.BERTH_SSH_HOST_KEY) target.hostKeys = [env.BERTH_SSH_HOST_KEY];
  // The first hop's ProxyCommand, its tokens as that hop's (%n: the name as written).
  const first = chain[0] ? { host: chain[0].host, alias: chain[0].spec.host } : { host, alias: endpoint.host };
  const proxyCommand = first.host.proxyCommand && expandProxyCommand(first.host.proxyCommand, { host: first.host.hostname, port: first.host.port, user: first.host.user, alias: first.alias });
  const jumps: SshHop[] = chain.map((hop) => ({ ...login(hop.host, hop.host.identityFiles, home, agent), written: hop.spec.written }));
  if (proxyCommand) (jumps[0] ?? target).proxyCommand = proxyCommand;
  return new SshTunnel({
    target: { host: host.hostname, port: host.port, username: host.user, remoteSocket: endpoint.socketPath },
    auth: target.auth!,
    lockedKeys: target.lockedKeys!,
    hostKeys: target.hostKeys,
    localSocket,
    knownHosts: target.knownHosts!,
    ...(target.readyTimeoutMs ? { readyTimeoutMs: target.readyTimeoutMs } : {}),
    ...(target.proxyCommand ? { proxyCommand: target.proxyCommand } : {}),
    jumps,
  });
}

/** One hop's login as its own config says: the agent, then its key files; its host keys from its known_hosts. */
function login(host: ResolvedSshHost, files: string[], home: string, agent: { agent?: string }): SshHop {
  const keys: Buffer[] = [];
  const lockedKeys: string[] = [];
  for (const file of files) {
    const key = readFileSync(file);
    const parsed = utils.parseKey(key);
    if (!(parsed instanceof Error)) keys.push(key);
    else if (/passphrase/i.test(parsed.message)) lockedKeys.push(file);
  }
  return {
    host: host.hostname,
    port: host.port,
    username: host.user,
    auth: { ...agent, keys },
    lockedKeys,
    hostKeys: host.knownHostsFiles.flatMap((f) => (existsSync(f) ? knownHostKeys(readFileSync(f, 'utf8'), host.hostKeyAlias, host.port) : [])),
    knownHosts: { file: host.knownHostsFiles[0] ?? join(home, '.ssh', 'known_hosts'), name: host.hostKeyAlias },
    ...(host.connectTimeout ? { readyTimeoutMs: host.connectTimeout * 1000 } : {}),
  };
}

/** A short stable name for an endpoint's local socket. */
export const socketName = (endpoint: string) => `engine-${createHash('sha256').update(endpoint).digest('hex').slice(0, 12)}.sock`;
