/**
 * The build context: a folder sent to the engine as a tar (tar-fs), minus what the ignore file
 * excludes (@balena/dockerignore, Docker's own rules). `<Dockerfile>.dockerignore` beside the
 * Dockerfile wins over the context's `.dockerignore`, as in BuildKit. The Dockerfile and the ignore
 * files are always sent, as the docker CLI does. Streamed: files are read as the engine takes them.
 */
import { lstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import ignore from '@balena/dockerignore';
import { pack } from 'tar-fs';

/** The ignore file that applies: `<Dockerfile>.dockerignore` first, then `.dockerignore`. */
export async function ignoreFile(dir: string, dockerfile = 'Dockerfile'): Promise<{ name: string; text: string } | undefined> {
  for (const name of [`${posix.normalize(dockerfile)}.dockerignore`, '.dockerignore']) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return { name, text };
  }
  return undefined;
}

/** Whether a context path ("a/b/c", no leading slash) is left out by the ignore file's text. */
export function excluder(text: string): (path: string) => boolean {
  const ig = ignore().add(text.split(/\r?\n/));
  return (path) => ig.ignores(path);
}

/** The tar of the context, as a stream the engine reads at its pace. */
export async function contextTar(dir: string, dockerfile = 'Dockerfile'): Promise<Readable> {
  const file = await ignoreFile(dir, dockerfile);
  const excluded = excluder(file?.text ?? '');
  // a "!" line may re-include a file inside an excluded folder: then folders are walked anyway
  const hasExceptions = /^\s*!/m.test(file?.text ?? '');
  const always = new Set([posix.normalize(dockerfile), '.dockerignore', `${posix.normalize(dockerfile)}.dockerignore`]);
  return pack(dir, {
    ignore: (abs: string) => {
      const path = relative(dir, abs).split(sep).join('/');
      if (!path || always.has(path) || !excluded(path)) return false;
      return !(hasExceptions && lstatSync(abs, { throwIfNoEntry: false })?.isDirectory());
    },
  });
}
