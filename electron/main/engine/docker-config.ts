/**
 * Where the user's docker CLI keeps its config and contexts (DOCKER_CONFIG, else ~/.docker), and
 * which engine its current context names (DOCKER_CONTEXT, else `currentContext` in config.json),
 * read as the CLI itself reads them (a file missing or not JSON names nothing). Berth follows that choice when nothing else names an engine.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readJsonFile } from '../json-file';

export const dockerConfigDir = (env: NodeJS.ProcessEnv = process.env, home = homedir()) => env.DOCKER_CONFIG || join(home, '.docker');

/** The folder of a context's meta.json: the CLI names it by the sha256 of the context's name. */
export const contextMetaDir = (name: string, env: NodeJS.ProcessEnv = process.env, home = homedir()) =>
  join(dockerConfigDir(env, home), 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));

/** The name of the docker CLI's current context, when one other than the CLI's own "default" is chosen. */
export function currentDockerContext(env: NodeJS.ProcessEnv = process.env, home = homedir()): string | undefined {
  const config = readJsonFile(join(dockerConfigDir(env, home), 'config.json')) as { currentContext?: unknown } | undefined;
  const name = env.DOCKER_CONTEXT || (typeof config?.currentContext === 'string' ? config.currentContext : undefined);
  return name && name !== 'default' ? name : undefined;
}

/** The engine address a context of the docker CLI holds (its docker endpoint's Host), if it has one. */
export function dockerContextHost(name: string, env: NodeJS.ProcessEnv = process.env, home = homedir()): string | undefined {
  const meta = readJsonFile(join(contextMetaDir(name, env, home), 'meta.json')) as { Endpoints?: { docker?: { Host?: unknown } } } | undefined;
  const host = meta?.Endpoints?.docker?.Host;
  return typeof host === 'string' && host ? host : undefined;
}
