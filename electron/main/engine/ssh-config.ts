/**
 * What an ssh:// engine needs from this machine, found the way OpenSSH finds it: the host key in
 * ~/.ssh/known_hosts (plain or hashed entries), the user's key (~/.ssh/id_ed25519, id_ecdsa,
 * id_rsa) or the agent. BERTH_SSH_KEY and BERTH_SSH_HOST_KEY override both.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEndpoint } from './endpoint';
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

export function sshTunnelFor(endpoint: Extract<EngineEndpoint, { kind: 'ssh' }>, localSocket: string, env: NodeJS.ProcessEnv, home: string): SshTunnel {
  const keyFile = env.BERTH_SSH_KEY ?? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).find((f) => existsSync(f));
  const known = existsSync(join(home, '.ssh', 'known_hosts')) ? readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8') : '';
  const hostKeys = env.BERTH_SSH_HOST_KEY ? [env.BERTH_SSH_HOST_KEY] : knownHostKeys(known, endpoint.host, endpoint.port);
  return new SshTunnel({
    target: { host: endpoint.host, port: endpoint.port, username: endpoint.username, remoteSocket: endpoint.socketPath },
    ...(keyFile ? { privateKey: readFileSync(keyFile) } : { agent: env.SSH_AUTH_SOCK }),
    hostKeys,
    localSocket,
  });
}

/** A short stable name for an endpoint's local socket. */
export const socketName = (endpoint: string) => `engine-${createHash('sha256').update(endpoint).digest('hex').slice(0, 12)}.sock`;
