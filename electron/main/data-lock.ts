/**
 * The data-folder lock and atomic writes. Several processes may write one data folder: the app or
 * `berth serve`, the VM daemon, `berth vm`, a second Berth that is about to hand over. Each
 * read-modify-write of a file there runs under one lock file (paths.lockFor), so no update is lost.
 *
 * The lock file is made complete and then hard-linked to its name (link fails when the name
 * exists), so it always names its holder: `{pid, nonce, since}`. The lock of a holder that died
 * (kill -9) is taken over: its pid is gone, or it is now another process's, one that started after
 * the lock was taken (a pid reused, e.g. after a reboot; the start time is /proc/<pid>/stat's, so
 * where there is no /proc only a gone pid counts). A holder that is alive keeps its lock however
 * long it holds it: stopped (SIGSTOP), waiting on a slow disk or busy, it may still write.
 * One taker at a time does that, under a second short-lived file (paths.lockBreakFor), so two
 * processes can never both remove it and both go on.
 *
 * A waiter retries with a growing pause (2 ms up to 100 ms) only while another process holds the
 * lock or takes it over: nothing runs when nobody waits. Within one process, callers queue instead.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../shared/errors';
import { lockBreakFor, tempFor } from './paths';

export interface LockOptions {
  /** How long to wait for a live holder before giving up (default 15 s). */
  waitMs?: number;
  /** The clock the wait runs on (tests pass a fake one). */
  clock?: Clock;
}

interface Clock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

interface Holder {
  pid: number;
  nonce: string;
  since: number;
}

/** Writes a file in one step for every reader: a complete temp file (flushed) renamed over it. */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempFor(file);
  try {
    const f = await open(tmp, 'wx', mode);
    try {
      await f.writeFile(data);
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Creates `file` with `text` only if it does not exist yet; false when it does. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  const tmp = tempFor(file);
  try {
    await writeFile(tmp, text, { flag: 'wx', mode: 0o600 });
    await link(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // there, but someone else's
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Holder;
    return Number.isInteger(h.pid) && h.pid > 0 && typeof h.since === 'number' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Linux counts process start times in these ticks since boot (USER_HZ: 100 on every architecture Berth runs on). */
const TICKS_PER_S = 100;
/** /proc/stat's boot time is in whole seconds, and clocks are set: a start this much after `since` still is the holder. */
const START_SLACK_MS = 2_000;

/** When the process `pid` started (ms since 1970), or undefined where there is no /proc to say. */
function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name in (…) may hold spaces
    const ticks = Number(fields[19]); // field 22 counting from pid (1) and name (2)
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && boot > 0 ? boot * 1000 + (ticks * 1000) / TICKS_PER_S : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock whose content is `text` is held by nobody any more: its process is gone, or is another one now. */
function isStale(text: string): boolean {
  const h = parseHolder(text);
  if (!h || !alive(h.pid)) return true;
  const started = startedAt(h.pid);
  return started !== undefined && started > h.since + START_SLACK_MS;
}

const read = (file: string) => readFile(file, 'utf8').catch(() => undefined);

/**
 * Removes the lock if it still is the stale one we saw; one taker at a time. False when another
 * live taker is at it: then wait as for a holder.
 */
async function takeOver(lock: string, seen: string): Promise<boolean> {
  const token = lockBreakFor(lock);
  const mine = JSON.stringify({ pid: process.pid, nonce: randomBytes(8).toString('hex'), since: Date.now() });
  if (!(await createExclusive(token, mine))) {
    const other = await read(token);
    if (other === undefined || !isStale(other)) return other === undefined; // gone meanwhile: try again at once
    await rm(token, { force: true }); // that taker died mid-way
    return true;
  }
  try {
    // Only takers (holding the token) and the holder remove the lock, and the holder is gone: the
    // content cannot change between this read and the removal.
    if ((await read(lock)) === seen) await rm(lock, { force: true });
    return true;
  } finally {
    await rm(token, { force: true });
  }
}

async function acquire(lock: string, waitMs: number, clock: Clock): Promise<string> {
  await mkdir(dirname(lock), { recursive: true, mode: 0o700 });
  const mine = JSON.stringify({ pid: process.pid, nonce: randomBytes(8).toString('hex'), since: Date.now() } satisfies Holder);
  const deadline = clock.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    if (await createExclusive(lock, mine)) return mine;
    const seen = await read(lock);
    if (seen === undefined) continue; // released meanwhile
    if (isStale(seen) && (await takeOver(lock, seen))) continue; // removed: try again at once
    if (clock.now() > deadline) {
      const pid = parseHolder(seen)?.pid;
      throw new BerthError('CONFLICT', `Berth's data folder ${dirname(lock)} stayed locked by process ${pid} for ${Math.round(waitMs / 1000)} s.`, {
        hint: `If that process is not Berth, remove ${lock} and try again.`,
      });
    }
    await clock.sleep(Math.min(100, 2 ** (attempt + 1)) * (0.5 + Math.random()));
  }
}

async function release(lock: string, mine: string): Promise<void> {
  if ((await read(lock)) === mine) await rm(lock, { force: true }); // not ours any more if it was taken over
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding the lock: one at a time in this process (a queue per lock) and across
 * processes (the lock file). Not re-entrant: `fn` must not take the same lock again.
 */
export function withFileLock<T>(lock: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const { waitMs = 15_000, clock = realClock } = opts;
  const run = (queues.get(lock) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      const mine = await acquire(lock, waitMs, clock);
      try {
        return await fn();
      } finally {
        await release(lock, mine);
      }
    });
  queues.set(lock, run);
  void run.finally(() => queues.get(lock) === run && queues.delete(lock)).catch(() => undefined);
  return run;
}
