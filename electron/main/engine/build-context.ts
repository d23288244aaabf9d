/**
 * The build context: a folder sent to the engine as a tar, minus what `.dockerignore` excludes
 * (Docker's rules: Go filepath.Match patterns plus `**`, a pattern also excludes everything under a
 * matching folder, `!` re-includes, the last matching line wins). The Dockerfile and .dockerignore
 * are always sent, as the docker CLI does. Streamed: files are read as the engine takes them.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { END_OF_ARCHIVE, entryHeader, padding } from './tar';
import { BerthError } from '../../shared/errors';

interface Pattern {
  re: RegExp;
  exclude: boolean;
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function toRegex(p: string): RegExp {
  let re = '^';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        i++;
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[' && p.indexOf(']', i + 1) > i + 1) {
      const j = p.indexOf(']', i + 1);
      const cls = p.slice(i + 1, j).replace(/^!/, '^');
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = j;
    } else if (c === '\\' && i + 1 < p.length) re += escape(p[++i]!);
    else re += escape(c);
  }
  return new RegExp(`${re}$`);
}

export function parseDockerignore(text: string): Pattern[] {
  const out: Pattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const exclude = !line.startsWith('!');
    if (!exclude) line = line.slice(1).trim();
    line = posix.normalize(line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (!line || line === '.') continue;
    out.push({ re: toRegex(line), exclude });
  }
  return out;
}

/** Whether a context path ("a/b/c", no leading slash) is left out. */
export function isExcluded(path: string, patterns: Pattern[]): boolean {
  const parents: string[] = [];
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join('/'));
  let excluded = false;
  for (const p of patterns) {
    if (p.re.test(path) || parents.some((d) => p.re.test(d))) excluded = p.exclude;
  }
  return excluded;
}

/** The context's entries in tar order, after .dockerignore. */
export async function contextEntries(dir: string, dockerfile = 'Dockerfile'): Promise<string[]> {
  const ignore = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '');
  const patterns = parseDockerignore(ignore);
  const hasExceptions = patterns.some((p) => !p.exclude);
  const always = new Set([posix.normalize(dockerfile), '.dockerignore']);
  const out: string[] = [];
  const walk = async (rel: string) => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const excluded = !always.has(path) && isExcluded(path, patterns);
      const st = await lstat(join(dir, path));
      if (!excluded) out.push(path);
      // An excluded folder may still hold re-included files ("!" lines): look inside then.
      if (st.isDirectory() && (!excluded || hasExceptions)) await walk(path);
    }
  };
  await walk('');
  return out;
}

/** The tar of the context, piece by piece. */
export async function* contextTar(dir: string, entries: string[]): AsyncGenerator<Buffer> {
  for (const path of entries) {
    const full = join(dir, path);
    const st = await lstat(full);
    const base = { mode: st.mode & 0o7777, mtime: Math.floor(st.mtimeMs / 1000) };
    if (st.isDirectory()) yield entryHeader(`${path}/`, { type: 'dir', ...base });
    else if (st.isSymbolicLink()) yield entryHeader(path, { type: 'link', linkname: await readlink(full), ...base });
    else if (st.isFile()) {
      yield entryHeader(path, { type: 'file', size: st.size, ...base });
      let sent = 0;
      for await (const piece of createReadStream(full, { end: Math.max(st.size - 1, 0) })) {
        if (st.size === 0) break;
        sent += (piece as Buffer).length;
        yield piece as Buffer;
      }
      if (sent !== st.size) throw new BerthError('CONFLICT', `${path} changed while it was being sent to the engine.`, { hint: 'Build again once nothing is writing to the build folder.' });
      yield Buffer.alloc(padding(st.size));
    }
  }
  yield END_OF_ARCHIVE;
}
