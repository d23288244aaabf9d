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
import { chmod, copyFile, mkdir, open, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError } from '../../shared/errors';
import { writeFileAtomic } from '../data-lock';
import { dockerConfigBackup, replacedDockerContext } from '../paths';
import { dockerConfigDir } from '../engine/docker-config';
import { berthContextOwner, CONTEXT_NAME, FOREIGN_CONTEXT_NEXT_STEP, foreignContextMessage, metaFile, writeDockerContext } from '../vm/docker-context';
import { vmDockerHost } from './contexts';
import { loadSettings, updateSettings } from '../settings';

/** The docker CLI's config file in this environment. */
export const dockerConfigFile = (env: NodeJS.ProcessEnv = process.env) => join(dockerConfigDir(env), 'config.json');
/** Where the config file as it was before Berth's first change is kept (beside it, mode 0600). */
export { dockerConfigBackup };

/** The docker CLI's config is a few KiB; a bigger file is not one to edit blindly. */
const MAX_BYTES = 4 * 1024 * 1024;

interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the top-level object in `text` (already known to be a JSON object), with where each sits. */
function members(text: string): { open: number; close: number; list: Member[] } {
  let i = 0;
  const ws = () => {
    while (i < text.length && /[\s\uFEFF]/.test(text[i]!)) i++;
  };
  const string = () => {
    i++; // the opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const value = () => {
    if (text[i] === '"') return string();
    if (text[i] === '{' || text[i] === '[') {
      let depth = 0;
      do {
        if (text[i] === '"') {
          string();
          continue;
        }
        if (text[i] === '{' || text[i] === '[') depth++;
        else if (text[i] === '}' || text[i] === ']') depth--;
        i++;
      } while (depth > 0);
      return;
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++; // a number, true, false or null
  };
  ws();
  const open = i++;
  const list: Member[] = [];
  for (;;) {
    ws();
    if (text[i] === '}') return { open, close: i, list };
    if (text[i] === ',') {
      i++;
      continue;
    }
    const keyStart = i;
    string();
    const keyEnd = i;
    ws();
    i++; // ':'
    ws();
    const valueStart = i;
    value();
    list.push({ key: JSON.parse(text.slice(keyStart, keyEnd)) as string, keyStart, keyEnd, valueStart, valueEnd: i });
  }
}

/**
 * `text` (a JSON object, or undefined for no file) with its top-level `currentContext` set to
 * `value`, or removed when `value` is null; nothing else in the text changes. Throws on a text
 * that is not a JSON object.
 */
export function withCurrentContext(text: string | undefined, value: string | null): string {
  if (text === undefined) return value === null ? '{}\n' : `{\n\t"currentContext": ${JSON.stringify(value)}\n}\n`;
  const json: unknown = JSON.parse(text.replace(/^\uFEFF/, '')); // throws on a text that is not JSON: the scan below trusts it
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new BerthError('INVALID_ARGUMENT', 'The docker config is not a JSON object.');
  const { open, close, list } = members(text);
  const mine = list.filter((m) => m.key === 'currentContext');
  if (value !== null && mine.length) {
    const last = mine[mine.length - 1]!; // the one the CLI reads, if a key is there twice
    return text.slice(0, last.valueStart) + JSON.stringify(value) + text.slice(last.valueEnd);
  }
  if (value !== null) {
    const entry = (sep: string) => `"currentContext"${sep}${JSON.stringify(value)}`;
    if (!list.length) return `${text.slice(0, open)}{\n\t${entry(': ')}\n}${text.slice(close + 1)}`;
    const last = list[list.length - 1]!;
    const gap = text.slice(list.length > 1 ? list[list.length - 2]!.valueEnd : open + 1, last.keyStart);
    const indent = gap.slice(gap.lastIndexOf(',') + 1); // as the last member is set apart: a new line and its indent, or nothing
    return text.slice(0, last.valueEnd) + ',' + indent + entry(text.slice(last.keyEnd, last.valueStart)) + text.slice(last.valueEnd);
  }
  const m = mine[mine.length - 1];
  if (!m) return text;
  const at = list.indexOf(m);
  let out: string;
  if (list.length === 1) out = text.slice(0, open + 1) + text.slice(close);
  else if (at < list.length - 1) out = text.slice(0, m.keyStart) + text.slice(list[at + 1]!.keyStart);
  else out = text.slice(0, list[at - 1]!.valueEnd) + text.slice(m.valueEnd);
  return withCurrentContext(out, null); // a key that was there twice: the other one too
}

interface ConfigRead {
  /** The file's name in the docker config folder. */
  path: string;
  /** Where the file is (a symlink followed to its target: a dotfiles link stays a link). */
  file: string;
  /** Its text; undefined when there is no file yet. */
  text?: string;
  mode?: number;
  /** Its `currentContext`; null when it has none. */
  current: string | null;
}

const refused = (file: string, why: string) =>
  new BerthError('CONFLICT', `The docker CLI's config file ${file} ${why}, so Berth does not change it.`, {
    hint: 'Fix or move the file (the docker CLI needs it to be valid JSON too), then try the switch again.',
  });

/** The docker config as it is, refusing one Berth must not edit (not JSON, not an object, unreadable, huge). */
export async function readDockerConfig(path: string): Promise<ConfigRead> {
  let file = path;
  try {
    file = await realpath(path);
  } catch {
    /* not there yet (or a dangling link): written at its own name */
  }
  let text: string;
  let mode: number;
  try {
    const f = await open(file, 'r');
    try {
      const st = await f.stat();
      if (st.size > MAX_BYTES) throw refused(file, `is ${(st.size / 2 ** 20).toFixed(1)} MiB, far bigger than a docker config is`);
      mode = st.mode & 0o777;
      text = await f.readFile('utf8');
    } finally {
      await f.close();
    }
  } catch (e) {
    if (e instanceof BerthError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, file, current: null };
    throw refused(file, `cannot be read (${code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw refused(file, `is not valid JSON (${(e as Error).message.slice(0, 120)})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw refused(file, 'does not hold a JSON object');
  const current = (json as { currentContext?: unknown }).currentContext;
  return { path, file, text, mode, current: typeof current === 'string' && current !== '' ? current : null };
}

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
    const read = await readDockerConfig(dockerConfigFile(env)); // refused before anything is written
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
    const read = await readDockerConfig(saved?.configFile ?? dockerConfigFile(env));
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
