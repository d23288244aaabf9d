/**
 * Files of the data folder that Berth could not use in full (settings, registry logins): a copy is
 * kept before anything writes over one, and one that cannot be read at all is never written over.
 */
import { constants } from 'node:fs';
import { chmod, copyFile, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../shared/errors';
import { BAD_COPY_INFIX, badCopyOf } from './paths';

/** Up to this size a copy with the same bytes is found and reused; a bigger file is copied anew. */
const COMPARE_BYTES = 1024 * 1024;

/** The copy of a damaged data file: an existing one with the same bytes, else a new <file>.bad-<time> (paths.badCopyOf). */
export async function keepCopy(file: string): Promise<string> {
  const { size } = await stat(file);
  const dir = dirname(file);
  const prefix = basename(file) + BAD_COPY_INFIX;
  const mine = size <= COMPARE_BYTES ? await readFile(file) : undefined;
  for (const name of (await readdir(dir))
    .filter((n) => n.startsWith(prefix))
    .sort()
    .reverse()) {
    const copy = join(dir, name);
    if ((await stat(copy)).size !== size) continue;
    if (!mine || mine.equals(await readFile(copy))) return copy;
  }
  for (;;) {
    const copy = badCopyOf(file, new Date());
    try {
      await copyFile(file, copy, constants.COPYFILE_EXCL);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await sleep(1); // another copy this millisecond: the next name
      continue;
    }
    await chmod(copy, 0o600);
    return copy;
  }
}

/** The refusal to write over a data file that is there but cannot be read (`why`: its error code). */
export function refuseOverwrite(file: string, what: string, why: string): BerthError {
  return new BerthError('CONFLICT', `Berth cannot read its ${what} ${file} (${why}), so it does not write over it.`, { hint: 'Fix its permissions or move it away; Berth then starts a new one.' });
}
