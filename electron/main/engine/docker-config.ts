/**
 * Where the user's docker CLI keeps its config and contexts (DOCKER_CONFIG, else ~/.docker), read
 * as the CLI itself reads them: config.json's `currentContext`, and every context's
 * `contexts/meta/<sha256 of its name>/meta.json` with its TLS material beside it in
 * `contexts/tls/<same>/docker/`. Only read, never written here; a file Berth cannot read or parse
 * comes back as a problem in words naming the file, and the rest is still read.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EngineTls } from '../../shared/models';
import { tlsFilesIn } from './tls';

export const dockerConfigDir = (env: NodeJS.ProcessEnv = process.env, home = homedir()) => env.DOCKER_CONFIG || join(home, '.docker');
/** The docker CLI's config.json (DOCKER_CONFIG honoured). */
export const dockerConfigFile = (env: NodeJS.ProcessEnv = process.env, home = homedir()) => join(dockerConfigDir(env, home), 'config.json');

const contextHash = (name: string) => createHash('sha256').update(name).digest('hex');

/** The folder of a context's meta.json: the CLI names it by the sha256 of the context's name. */
export const contextMetaDir = (name: string, env: NodeJS.ProcessEnv = process.env, home = homedir()) => join(dockerConfigDir(env, home), 'contexts', 'meta', contextHash(name));

/** The docker CLI's config.json as far as engine choice goes. */
export interface DockerConfigFile {
  file: string;
  /** `currentContext`, when set to a name. */
  currentContext?: string;
  /** Why Berth read nothing from it (not JSON, not an object, unreadable), in words naming the file. */
  problem?: string;
}

/** A context of the docker CLI, as its meta.json says (a meta.json Berth cannot read is a `problem` with no name). */
export interface DockerCliContext {
  /** Its meta.json. */
  file: string;
  name?: string;
  description?: string;
  /** Its docker endpoint's Host, when it has one. */
  host?: string;
  /** Its TLS: material in contexts/tls/<hash>/docker/ (ca.pem, cert.pem, key.pem), or SkipTLSVerify; none: plain. */
  tls?: EngineTls;
  /** Why Berth cannot read it, in words naming the file. */
  problem?: string;
}

type Read = { value: unknown } | { problem: string };

/** A JSON file's content, or why not; undefined when it is not there. */
function readJson(file: string): Read | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { problem: `${file} cannot be read (${code ?? (e as Error).message})` };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { problem: `${file} is not valid JSON (${(e as Error).message})` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * What engine resolution needs of config.json (`currentContext`), read leniently: a broken file is a `problem` in
 * words, never a throw. Editing it is `services/docker-config-file.ts`' `readDockerConfig`, which refuses such a file.
 */
export function scanDockerConfig(env: NodeJS.ProcessEnv = process.env, home = homedir()): DockerConfigFile {
  const file = dockerConfigFile(env, home);
  const read = readJson(file);
  if (!read) return { file };
  if ('problem' in read) return { file, problem: read.problem };
  if (!isObject(read.value)) return { file, problem: `${file} is not a JSON object` };
  const current = read.value.currentContext;
  if (current !== undefined && typeof current !== 'string') return { file, problem: `${file}: "currentContext" is not a string` };
  return current ? { file, currentContext: current } : { file };
}

/** What one meta.json says. */
function readContext(dir: string): DockerCliContext | undefined {
  const file = join(dir, 'meta.json');
  const read = readJson(file);
  if (!read) return undefined; // a folder without meta.json is no context (the CLI skips it too)
  if ('problem' in read) return { file, problem: read.problem };
  const meta = read.value;
  if (!isObject(meta) || typeof meta.Name !== 'string' || !meta.Name) return { file, problem: `${file} has no "Name": it is not a docker context as the docker CLI writes one` };
  const name = meta.Name;
  const description = isObject(meta.Metadata) && typeof meta.Metadata.Description === 'string' ? meta.Metadata.Description : undefined;
  const docker = isObject(meta.Endpoints) ? meta.Endpoints.docker : undefined;
  const host = isObject(docker) && typeof docker.Host === 'string' && docker.Host ? docker.Host : undefined;
  const skipVerify = isObject(docker) && docker.SkipTLSVerify === true;
  const tlsDir = join(dir, '..', '..', 'tls', contextHash(name), 'docker');
  // As the CLI: TLS when the context has material or skips verification; its CA only when ca.pem is there (else the system's).
  const tls = skipVerify || hasTlsMaterial(tlsDir) ? tlsFilesIn(tlsDir, !skipVerify, { caRequired: false }) : undefined;
  return { file, name, ...(description ? { description } : {}), ...(host ? { host } : {}), ...(tls ? { tls } : {}) };
}

function hasTlsMaterial(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => f.endsWith('.pem'));
  } catch {
    return false;
  }
}

/**
 * TLS for the "default" context's tcp:// address from the environment, as the docker CLI reads it:
 * DOCKER_TLS_VERIFY set to any non-empty value verifies the engine against DOCKER_CERT_PATH's ca.pem
 * (which must be there); else DOCKER_TLS, non-empty, is TLS without verification. DOCKER_CERT_PATH
 * defaults to the docker config folder; its cert.pem and key.pem are used when there. Undefined: plain tcp.
 */
export function tlsFromEnv(env: NodeJS.ProcessEnv = process.env, home = homedir()): EngineTls | undefined {
  const verify = !!env.DOCKER_TLS_VERIFY;
  if (!verify && !env.DOCKER_TLS) return undefined;
  return tlsFilesIn(env.DOCKER_CERT_PATH || dockerConfigDir(env, home), verify, { caRequired: true });
}

/** Every context under the docker config's contexts/meta/, by name (as `docker context ls` orders them), the unreadable ones last. */
export function listDockerContexts(env: NodeJS.ProcessEnv = process.env, home = homedir()): DockerCliContext[] {
  const metaRoot = join(dockerConfigDir(env, home), 'contexts', 'meta');
  let dirs: string[];
  try {
    dirs = readdirSync(metaRoot);
  } catch {
    return [];
  }
  const all = dirs
    .sort()
    .map((d) => readContext(join(metaRoot, d)))
    .filter((c): c is DockerCliContext => !!c);
  return [...all.filter((c) => c.name).sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0)), ...all.filter((c) => !c.name)];
}
