/**
 * The docker CLI's config.json as a file Berth edits: read whole or refused (not JSON, not an
 * object, unreadable, huge: said in words naming the file, never written over), and changed one
 * top-level member at a time in its text, so every other key and the file's layout stay as they
 * were (the CLI keeps plenty there: currentContext, plugins, aliases, proxies...). Used by the
 * docker CLI switch (`docker-cli.ts`) and the shared registry logins (`docker-logins.ts`).
 */
import { open, realpath } from 'node:fs/promises';
import { BerthError } from '../../shared/errors';

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
 * `text` (a JSON object, or undefined for no file) with its top-level member `key` set to `value`
 * (any JSON value), or removed when `value` is undefined; nothing else in the text changes. A
 * member added goes after the last one, set apart as that one is. Throws on a text that is not a
 * JSON object.
 */
export function withMember(text: string | undefined, key: string, value: unknown): string {
  const name = JSON.stringify(key);
  if (text === undefined) return value === undefined ? '{}\n' : `{\n\t${name}: ${indented(value, '\t')}\n}\n`;
  const json: unknown = JSON.parse(text.replace(/^\uFEFF/, '')); // throws on a text that is not JSON: the scan below trusts it
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new BerthError('INVALID_ARGUMENT', 'The docker config is not a JSON object.');
  const { open, close, list } = members(text);
  const mine = list.filter((m) => m.key === key);
  if (value !== undefined && mine.length) {
    const last = mine[mine.length - 1]!; // the one the CLI reads, if a key is there twice
    return text.slice(0, last.valueStart) + indented(value, lineIndent(text, last.keyStart)) + text.slice(last.valueEnd);
  }
  if (value !== undefined) {
    if (!list.length) return `${text.slice(0, open)}{\n\t${name}: ${indented(value, '\t')}\n}${text.slice(close + 1)}`;
    const last = list[list.length - 1]!;
    const gap = text.slice(list.length > 1 ? list[list.length - 2]!.valueEnd : open + 1, last.keyStart);
    const indent = gap.slice(gap.lastIndexOf(',') + 1); // as the last member is set apart: a new line and its indent, or nothing
    const entry = `${name}${text.slice(last.keyEnd, last.valueStart)}${indented(value, indent.includes('\n') ? indent.slice(indent.lastIndexOf('\n') + 1) : undefined)}`;
    return text.slice(0, last.valueEnd) + ',' + indent + entry + text.slice(last.valueEnd);
  }
  const m = mine[mine.length - 1];
  if (!m) return text;
  const at = list.indexOf(m);
  let out: string;
  if (list.length === 1) out = text.slice(0, open + 1) + text.slice(close);
  else if (at < list.length - 1) out = text.slice(0, m.keyStart) + text.slice(list[at + 1]!.keyStart);
  else out = text.slice(0, list[at - 1]!.valueEnd) + text.slice(m.valueEnd);
  return withMember(out, key, undefined); // a key that was there twice: the other one too
}

/** The spaces and tabs before `at` on its line, when only they are there (a member on a line of its own). */
function lineIndent(text: string, at: number): string | undefined {
  const from = text.lastIndexOf('\n', at - 1) + 1;
  const before = text.slice(from, at);
  return /^[ \t]*$/.test(before) && from > 0 ? before : undefined;
}

/**
 * A value as JSON: a scalar or an empty object on one line; an object or array laid out as the CLI
 * writes its file (a tab a level) below a member indented by `indent`, or on one line in a compact
 * file (no indent).
 */
function indented(value: unknown, indent: string | undefined): string {
  if (indent === undefined) return JSON.stringify(value);
  return JSON.stringify(value, null, '\t').replace(/\n/g, `\n${indent}`);
}

export interface ConfigRead {
  /** The file's name in the docker config folder. */
  path: string;
  /** Where the file is (a symlink followed to its target: a dotfiles link stays a link). */
  file: string;
  /** Its text; undefined when there is no file yet. */
  text?: string;
  mode?: number;
  /** Its `currentContext`; null when it has none. */
  current: string | null;
  /** The file's JSON object ({} when there is no file). */
  json: Record<string, unknown>;
}

/** The words for a config file Berth will not edit; `then` is the step after the fix ("try the switch again"). */
export const refused = (file: string, why: string, then = 'try again') =>
  new BerthError('CONFLICT', `The docker CLI's config file ${file} ${why}, so Berth does not change it.`, {
    hint: `Fix or move the file (the docker CLI needs it to be valid JSON too), then ${then}.`,
  });

/** The docker config as it is, refusing one Berth must not edit (not JSON, not an object, unreadable, huge). */
export async function readDockerConfig(path: string, then?: string): Promise<ConfigRead> {
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
      if (st.size > MAX_BYTES) throw refused(file, `is ${(st.size / 2 ** 20).toFixed(1)} MiB, far bigger than a docker config is`, then);
      mode = st.mode & 0o777;
      text = await f.readFile('utf8');
    } finally {
      await f.close();
    }
  } catch (e) {
    if (e instanceof BerthError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, file, current: null, json: {} };
    throw refused(file, `cannot be read (${code ?? (e as Error).message})`, then);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw refused(file, `is not valid JSON (${(e as Error).message.slice(0, 120)})`, then);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw refused(file, 'does not hold a JSON object', then);
  const current = (json as { currentContext?: unknown }).currentContext;
  return { path, file, text, mode, current: typeof current === 'string' && current !== '' ? current : null, json: json as Record<string, unknown> };
}
