/**
 * How many containers run in the VM's engine, followed for auto-pause: one count at the start and
 * again after each container start/die/destroy event (a count at a time; events meanwhile ask for
 * one more). A `docker pause`d container counts as running: its shim and frozen processes are still
 * in the guest (the guest's own check before a pause would refuse), and an unpause must find it
 * as it was. The events stream is the engine's own push: nothing is asked while nothing happens.
 * The count is undefined while it is not known (a lost stream): auto-pause waits then. A lost
 * stream is followed again after 2 s, then 4, 8... up to 60 s while the engine stays away (each try
 * is a connection into the VM), and after 2 s again once a count came through.
 */
import type Dockerode from 'dockerode';
import { jsonLines } from '../engine/json-lines';

const EVENTS = ['start', 'die', 'destroy'];
/** What counts: running, and paused (still there, only frozen). */
const COUNTED = ['running', 'paused'];
const RETRY_MAX_MS = 60_000;

export interface FollowTimers {
  setTimeout: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimeout: (t: ReturnType<typeof setTimeout>) => void;
}

/** Calls `onCount` with each new count (undefined: unknown); returns a disposer. */
export function followRunning(
  docker: Pick<Dockerode, 'getEvents' | 'listContainers'>,
  onCount: (n: number | undefined) => void,
  retryMs = 2000,
  timers: FollowTimers = { setTimeout, clearTimeout },
): () => void {
  const closing = new AbortController();
  let delay = retryMs;
  let counting = false;
  let again = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Containers said to have stopped: the engine may list one as running at its 'die'. */
  const stopped = new Set<string>();

  const count = async () => {
    if (counting) return void (again = true);
    counting = true;
    try {
      do {
        again = false;
        const running = await docker.listContainers({ filters: { status: COUNTED }, abortSignal: closing.signal } as Dockerode.ContainerListOptions).catch(() => undefined);
        if (closing.signal.aborted) return;
        if (running) delay = retryMs; // the engine is back: a later loss starts from the short wait
        onCount(running?.filter((c) => !stopped.has(c.Id)).length);
        for (const id of stopped) if (running && !running.some((c) => c.Id === id)) stopped.delete(id); // no longer listed: no longer needed
      } while (again);
    } finally {
      counting = false;
    }
  };

  const follow = async () => {
    retry = undefined;
    try {
      const stream = (await docker.getEvents({ filters: { type: ['container'], event: EVENTS }, abortSignal: closing.signal } as Dockerode.GetEventsOptions)) as unknown as NodeJS.ReadableStream & {
        destroy(): void;
      };
      if (closing.signal.aborted) return stream.destroy();
      stream.on(
        'data',
        jsonLines((m) => {
          const e = m as { status?: string; Action?: string; id?: string };
          const what = e.Action ?? e.status;
          if (!e.id) return;
          if (what === 'start') stopped.delete(e.id);
          else if (what === 'die' || what === 'destroy') stopped.add(e.id);
          else return;
          void count();
        }),
      );
      stream.on('error', () => undefined);
      stream.once('close', lost);
      stream.once('end', lost);
      void count(); // after the stream is there: nothing falls between the two
    } catch {
      lost();
    }
  };
  const lost = () => {
    if (closing.signal.aborted || retry) return;
    onCount(undefined);
    retry = timers.setTimeout(() => void follow(), delay);
    retry.unref?.();
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  };

  void follow();
  return () => {
    closing.abort();
    if (retry) timers.clearTimeout(retry);
  };
}
