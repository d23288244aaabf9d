/**
 * The `berth` context for the user's own docker CLI (`docker --context berth ps`, or
 * `docker context use berth`): written where the CLI keeps contexts, as the CLI itself would, in
 * one step (a complete temp file renamed over meta.json).
 *
 * Berth marks its context in the context's Metadata (`ManagedBy: "Berth"`, beside the
 * Description the CLI shows). A `berth` context without the mark is the user's, unless it is one
 * an earlier Berth wrote (Berth's description and the same address): Berth never writes over the
 * user's own and says so instead, with the next step.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { contextMetaDir, dockerConfigDir } from '../engine/docker-config';
import { tempFor } from '../paths';

export const CONTEXT_NAME = 'berth';
/** What `docker context ls` shows as the description. */
export const CONTEXT_DESCRIPTION = 'Berth VM';
/** The key in the context's Metadata that says Berth wrote it (the CLI keeps extra keys as they are). */
const MARK_KEY = 'ManagedBy';
const MARK = 'Berth';

export interface DockerContextResult {
  /** The context now points at `dockerHost` (it was written, or already was so). */
  written: boolean;
  /** Why it was not: a context of that name the user made, or a write that failed; in words, with the next step. */
  warning?: string;
}

export type ContextOwner = { kind: 'none' } | { kind: 'berth'; host?: string } | { kind: 'foreign'; host?: string; why?: string };

/** Whose the `berth` context in this docker config is: nobody's yet, Berth's, or the user's. */
export function berthContextOwner(dockerHost: string, env: NodeJS.ProcessEnv = process.env): ContextOwner {
  let text: string;
  try {
    text = readFileSync(metaFile(env), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'none' } : { kind: 'foreign', why: `it cannot be read (${code ?? (e as Error).message})` };
  }
  let meta: { Name?: unknown; Metadata?: Record<string, unknown>; Endpoints?: { docker?: { Host?: unknown } } };
  try {
    meta = JSON.parse(text) as typeof meta;
  } catch {
    return { kind: 'foreign', why: 'its meta.json is not JSON' };
  }
  const host = typeof meta?.Endpoints?.docker?.Host === 'string' ? meta.Endpoints.docker.Host : undefined;
  const md = meta?.Metadata && typeof meta.Metadata === 'object' ? meta.Metadata : {};
  if (md[MARK_KEY] === MARK) return { kind: 'berth', host };
  if (md.Description === CONTEXT_DESCRIPTION && host === dockerHost) return { kind: 'berth', host }; // an earlier Berth's, without the mark
  return { kind: 'foreign', host };
}

/** What to do about a `berth` context Berth leaves alone. */
export const FOREIGN_CONTEXT_NEXT_STEP = `To let Berth write its own, remove that one with \`docker context rm ${CONTEXT_NAME}\` (after \`docker context export ${CONTEXT_NAME}\` if you want to keep it).`;

/** The words for a `berth` context Berth leaves alone. */
export function foreignContextMessage(owner: Extract<ContextOwner, { kind: 'foreign' }>, env: NodeJS.ProcessEnv = process.env): string {
  const what = owner.why ? `(${owner.why})` : owner.host ? `(it points at ${owner.host})` : '(it has no docker endpoint)';
  return `A docker context named "${CONTEXT_NAME}" already exists in ${dockerConfigDir(env)} and Berth did not make it ${what}, so Berth leaves it as it is.`;
}

/**
 * Points the docker CLI's `berth` context at `dockerHost` (the VM's forwarded socket), unless a
 * `berth` context the user made is there. Never throws: a failure comes back as a warning.
 */
export function writeDockerContext(dockerHost: string, env: NodeJS.ProcessEnv = process.env): DockerContextResult {
  try {
    const owner = berthContextOwner(dockerHost, env);
    if (owner.kind === 'foreign') return { written: false, warning: `${foreignContextMessage(owner, env)} ${FOREIGN_CONTEXT_NEXT_STEP}` };
    const meta = { Name: CONTEXT_NAME, Metadata: { Description: CONTEXT_DESCRIPTION, [MARK_KEY]: MARK }, Endpoints: { docker: { Host: dockerHost, SkipTLSVerify: false } } };
    writeAtomicSync(metaFile(env), JSON.stringify(meta));
    return { written: true };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { written: false, warning: `Berth could not write the docker context "${CONTEXT_NAME}" in ${metaFile(env)} (${err.code ?? err.message}). Check that folder's owner and permissions.` };
  }
}

/** The `berth` context's meta.json in this docker config. */
export function metaFile(env: NodeJS.ProcessEnv): string {
  return join(contextMetaDir(CONTEXT_NAME, env), 'meta.json');
}

/** A complete, flushed temp file renamed over `file` (the CLI's own context files are 0644). */
function writeAtomicSync(file: string, data: string): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  const tmp = tempFor(file);
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
