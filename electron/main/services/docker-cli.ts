/**
 * "Use Berth for the docker CLI": sets `currentContext` to `berth` in the user's docker config
 * (DOCKER_CONFIG, else ~/.docker), so a plain `docker ps` in a new shell reaches the Berth VM, and
 * puts back what was there when the switch is turned off.
 *
 * The `berth` context is written first (never over one the user made: that is refused in
 * words). config.json is changed in one step (a temp file renamed over it, through a symlink to
 * its target), with only the `currentContext` member edited in its text: every other key, and
 * the file's layout, stay as they were. Before Berth's first change a copy of the file as it was
 * is kept beside it (config.json.berth-backup, once). The value it had (a name, or none) is kept
 * in Berth's settings before the file changes; turning off puts it back only while the CLI still
 * uses `berth` (a choice the user made since is theirs). A config.json that is not JSON is
 * refused, never written over.
 */
import { constants } from 'node:fs';
import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BerthError } from '../../shared/errors';
import { writeFileAtomic } from '../data-lock';
import { dockerConfigBackup, replacedDockerContext } from '../paths';
import { dockerConfigDir, dockerConfigFile } from '../engine/docker-config';
import { readDockerConfig, withMember, type ConfigRead } from './docker-config-file';
import { berthContextOwner, CONTEXT_NAME, FOREIGN_CONTEXT_NEXT_STEP, foreignContextMessage, metaFile, writeDockerContext } from '../vm/docker-context';
import { vmDockerHost } from './contexts';
import { loadSettings, updateSettings } from '../settings';

/** Where the config file as it was before Berth's first change is kept (beside it, mode 0600). */
export { dockerConfigBackup };

/**
 * `text` (a JSON object, or undefined for no file) with its top-level `currentContext` set to
 * `value`, or removed when `value` is null; nothing else in the text changes. Throws on a text
 * that is not a JSON object.
 */
export const withCurrentContext = (text: string | undefined, value: string | null): string => withMember(text, 'currentContext', value ?? undefined);

/** Keeps the file as it was before Berth's first change, beside its name; a copy already there (an earlier one) stays. */
async function backupOnce(read: ConfigRead): Promise<void> {
  const copy = dockerConfigBackup(read.path);
  try {
    await copyFile(read.file, copy, constants.COPYFILE_EXCL);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  await chmod(copy, 0o600); // it may hold registry logins
}

async function write(read: ConfigRead, value: string | null): Promise<void> {
  if (read.text !== undefined) await backupOnce(read);
  await writeFileAtomic(read.file, withCurrentContext(read.text, value), read.mode ?? 0o600);
}

export class DockerCliService {
  constructor(private readonly opts: { settingsFile: string; env: NodeJS.ProcessEnv }) {}

  /** Writes the `berth` context and makes it the CLI's current one; refuses (BerthError) with the reason and the next step. */
  enable(): Promise<void> {
    return asFileError(() => this.turnOn(), this.opts.env);
  }

  /** Puts back the context the CLI used before, while it still uses `berth`; a choice made since stays. */
  disable(): Promise<void> {
    return asFileError(() => this.turnOff(), this.opts.env);
  }

  /**
   * The user asked to replace their own `berth` context: it is kept in Berth's data folder first
   * (said in the result), then removed, and the switch goes on. Resolves to where the copy is.
   */
  replaceForeign(): Promise<string> {
    return asFileError(async () => {
      const { env } = this.opts;
      const owner = berthContextOwner(vmDockerHost(env), env);
      if (owner.kind !== 'foreign') return this.turnOn().then(() => '');
      const copy = replacedDockerContext(env, new Date());
      await mkdir(dirname(copy), { recursive: true, mode: 0o700 });
      await copyFile(metaFile(env), copy, constants.COPYFILE_EXCL);
      await chmod(copy, 0o600);
      await rm(dirname(metaFile(env)), { recursive: true, force: true });
      await this.turnOn();
      return copy;
    }, this.opts.env);
  }

  private async turnOn(): Promise<void> {
    const { env, settingsFile } = this.opts;
    const host = vmDockerHost(env);
    const owner = berthContextOwner(host, env);
    if (owner.kind === 'foreign') throw new BerthError('CONFLICT', foreignContextMessage(owner, env), { hint: FOREIGN_CONTEXT_NEXT_STEP });
    const read = await readDockerConfig(dockerConfigFile(env), 'try the switch again'); // refused before anything is written
    const ctx = writeDockerContext(host, env);
    if (!ctx.written) throw new BerthError('CONFLICT', ctx.warning ?? `Berth could not write the docker context "${CONTEXT_NAME}".`, { hint: 'Then try the switch again.' });
    const saved = (await loadSettings(settingsFile)).settings.dockerCliRestore;
    // Already "berth" after an earlier switch that did not finish: what it had before that is still the one to put back.
    const previous = read.current === CONTEXT_NAME && saved?.configFile === read.path ? saved.previousContext : read.current;
    await updateSettings(settingsFile, (s) => ({ ...s, dockerCliRestore: { configFile: read.path, previousContext: previous } }));
    if (read.current !== CONTEXT_NAME) await write(read, CONTEXT_NAME);
  }

  private async turnOff(): Promise<void> {
    const { env, settingsFile } = this.opts;
    const saved = (await loadSettings(settingsFile)).settings.dockerCliRestore;
    const read = await readDockerConfig(saved?.configFile ?? dockerConfigFile(env), 'try the switch again');
    if (read.text !== undefined && read.current === CONTEXT_NAME) await write(read, saved?.previousContext ?? null);
    await updateSettings(settingsFile, ({ dockerCliRestore: _, ...s }) => s);
  }
}

/**
 * A file Berth could not read or write on the way (EACCES on config.json, say) is said as that,
 * in words, never as an engine fault: the preference stays as it was.
 */
export async function asFileError<T>(step: () => Promise<T>, env: NodeJS.ProcessEnv): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof BerthError) throw e;
    const err = e as NodeJS.ErrnoException;
    const where = err.path ? ` (${err.code ?? 'error'} on ${err.path})` : ` (${err.code ?? err.message})`;
    throw new BerthError('COMMAND_FAILED', `Berth could not change the docker CLI's settings${where}.`, {
      hint: `Check that ${dockerConfigDir(env)} and the files in it belong to you and can be written, then try again.`,
    });
  }
}
