/** Where the engine is: a DOCKER_HOST-style string turned into connection options. */
import { BerthError } from '../../shared/errors';

export type EngineEndpoint = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number };

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
const FORMS = { hint: 'Use unix:///path/to/docker.sock or tcp://host:port.' };

export function parseDockerHost(value: string): EngineEndpoint {
  const v = value.trim();
  if (v.startsWith('unix://')) {
    const socketPath = v.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new BerthError('INVALID_ARGUMENT', `Engine socket path must be absolute: ${value}`, FORMS);
    return { kind: 'unix', socketPath };
  }
  if (v.startsWith('/')) return { kind: 'unix', socketPath: v };
  const m = /^tcp:\/\/([^:/]+):(\d{1,5})\/?$/.exec(v);
  if (m && Number(m[2]) > 0 && Number(m[2]) < 65536) return { kind: 'tcp', host: m[1]!, port: Number(m[2]) };
  throw new BerthError('INVALID_ARGUMENT', `Unsupported engine address "${value}"`, FORMS);
}

export function formatEndpoint(e: EngineEndpoint): string {
  return e.kind === 'unix' ? `unix://${e.socketPath}` : `tcp://${e.host}:${e.port}`;
}

/** Settings/env precedence: BERTH_DOCKER_HOST, then DOCKER_HOST, then the configured value, then the default. */
export function resolveDockerHost(env: NodeJS.ProcessEnv, configured?: string): string {
  return env.BERTH_DOCKER_HOST || env.DOCKER_HOST || configured || DEFAULT_DOCKER_HOST;
}
