/**
 * Reading a `.env` file picked in the Run dialog, as `docker run --env-file` reads one (KEY=VALUE
 * lines, # comments, blank lines, a UTF-8 BOM dropped), but saying every line that is wrong
 * instead of stopping at the first. Stricter than docker in one place: a bare `KEY` (docker takes
 * its value from the environment of the docker CLI) is refused, as Berth passes no environment on.
 */

export const ENV_FILE_MAX_BYTES = 1024 * 1024;
const MAX_VARIABLES = 1000; // as the run spec allows
const MAX_VALUE = 65536;
const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export type EnvFileResult = { ok: true; vars: { key: string; value: string }[] } | { ok: false; problems: string[] };

/** A piece of a line fit to quote in a message: short, printable. */
function excerpt(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `"${shown.replace(/[\p{Cc}]/gu, '?')}"`;
}

function checkLine(line: string): { key: string; value: string } | string {
  if (/^export\s/.test(line)) return `${excerpt(line)}: remove "export " (docker reads KEY=VALUE lines only)`;
  const eq = line.indexOf('=');
  if (eq < 0) return `${excerpt(line)} has no "=": write NAME=value (Berth does not pass its own environment on)`;
  const key = line.slice(0, eq);
  if (!KEY_RE.test(key)) return `${excerpt(key)} is not a variable name (letters, digits, "_" and ".", not starting with a digit)`;
  const value = line.slice(eq + 1);
  if (value.length > MAX_VALUE) return `the value of ${key} is longer than ${MAX_VALUE.toLocaleString('en')} characters`;
  return { key, value };
}

/** Every problem, each naming its line; or the variables when there is none. */
export function readEnvFile(bytes: Uint8Array): EnvFileResult {
  if (bytes.length > ENV_FILE_MAX_BYTES) return { ok: false, problems: ['the file is larger than 1 MiB: an env file holds variables, one a line'] };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: ['this is not a text file (it is not UTF-8)'] };
  }
  if (text.includes('\0')) return { ok: false, problems: ['this is not a text file (it contains NUL bytes)'] };
  const vars: { key: string; value: string }[] = [];
  const problems: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.replace(/^\s+/, '');
      if (!line || line.startsWith('#')) return;
      const r = checkLine(line);
      if (typeof r === 'string') problems.push(`line ${i + 1}: ${r}`);
      else vars.push(r);
    });
  if (vars.length > MAX_VARIABLES) problems.push(`${vars.length.toLocaleString('en')} variables: at most ${MAX_VARIABLES} fit in one run`);
  return problems.length ? { ok: false, problems } : { ok: true, vars };
}
