/**
 * The last net under every boundary, installed by the entry points (browser mode, the VM daemon,
 * the desktop app): an exception nothing caught, or a rejection nobody handled, is logged as one
 * line with its stack, and the process keeps running. Each boundary catches its own errors (a
 * request, a stream, an engine reply); this only keeps one that slipped through from ending Berth
 * for every window and container session at once.
 */
import { inspect } from 'node:util';

export type GuardedEvent = 'uncaughtException' | 'unhandledRejection';
/** The part of `process` the guard uses (tests pass an EventEmitter). */
export interface ProcessLike {
  on(event: GuardedEvent, listener: (error: unknown) => void): unknown;
  off(event: GuardedEvent, listener: (error: unknown) => void): unknown;
}

/** An error (or any thrown value) with its stack, on one line: frames joined by " | ". */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : inspect(error, { depth: 2, breakLength: Infinity });
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
}

/** Writing the log line itself failed because the terminal went away: saying so would fail again. */
const isGoneStdio = (e: unknown) => ['EPIPE', 'ERR_STREAM_DESTROYED'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** Installs the guard; returns its disposer. */
export function installProcessGuard(proc: ProcessLike = process, log: (line: string) => void = (l) => console.error(l)): () => void {
  const handler = (what: string) => (error: unknown) => {
    if (isGoneStdio(error)) return;
    try {
      log(`berth: ${what}, Berth keeps running: ${oneLine(error)}`);
    } catch {
      /* nowhere left to say it */
    }
  };
  const onException = handler('uncaught exception');
  const onRejection = handler('unhandled promise rejection');
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
