/** Where the engine is: a DOCKER_HOST-style string turned into connection options. */
import { BerthError } from '../../shared/errors';
import type { EngineTls } from '../../shared/models';

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string }
  /** `tls`: over TLS with these files (DOCKER_TLS_VERIFY, a context's material); the address alone never says. */
  | { kind: 'tcp'; host: string; port: number; tls?: EngineTls }
  /**
   * A remote engine over SSH: its socket (default /var/run/docker.sock) forwarded to a local one.
   * `host` may be an ~/.ssh/config alias; no user or port: the config's (ssh-resolve.ts).
   */
  | { kind: 'ssh'; username?: string; host: string; port?: number; socketPath: string };

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
const FORMS = { hint: 'Use unix:///path/to/docker.sock, tcp://host:port or ssh://[user@]host[:port][/path/to/docker.sock].' };

/** `tcpPort`: a tcp:// address's port when it names none (the docker CLI's 2375, or 2376 over TLS). */
export function parseDockerHost(value: string, tcpPort = 2375): EngineEndpoint {
  const v = value.trim();
  if (v.startsWith('unix://')) {
    const socketPath = v.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new BerthError('INVALID_ARGUMENT', `Engine socket path must be absolute: ${value}`, FORMS);
    return { kind: 'unix', socketPath };
  }
  if (v.startsWith('/')) return { kind: 'unix', socketPath: v };
  const ssh = /^ssh:\/\/(?:([a-z_][a-z0-9_.-]*)@)?([a-zA-Z0-9_][a-zA-Z0-9_.-]*|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?(\/[^\s]*)?$/.exec(v);
  if (ssh) {
    const port = ssh[3] ? Number(ssh[3]) : undefined;
    if (port === undefined || (port > 0 && port < 65536))
      return {
        kind: 'ssh',
        ...(ssh[1] ? { username: ssh[1] } : {}),
        host: ssh[2]!.replace(/^\[|\]$/g, ''),
        ...(port ? { port } : {}),
        socketPath: ssh[4] && ssh[4] !== '/' ? ssh[4] : '/var/run/docker.sock',
      };
  }
  const m = /^tcp:\/\/([^:/]+)(?::(\d{1,5}))?\/?$/.exec(v);
  const port = m && (m[2] ? Number(m[2]) : tcpPort);
  if (m && port && port > 0 && port < 65536) return { kind: 'tcp', host: m[1]!, port };
  throw new BerthError('INVALID_ARGUMENT', `Unsupported engine address "${value}"`, FORMS);
}

export function formatEndpoint(e: EngineEndpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`;
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`;
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `ssh://${e.username ? `${e.username}@` : ''}${host}${e.port === undefined ? '' : `:${e.port}`}${e.socketPath === '/var/run/docker.sock' ? '' : e.socketPath}`;
}
