/**
 * Ending an exec terminal's process in the container. The engine does not: closing the hijacked
 * connection of an exec leaves its shell running (moby's exec has no kill). So Berth does what
 * closing a terminal does to its session: the shell reports its pid (in the container's pid
 * namespace, so this works on every engine, local, over SSH or in the VM) and, when the terminal
 * ends, a second short exec sends SIGHUP to every process of the shell's session; if the shell
 * is still there after a grace time, SIGKILL. A process that left the session (setsid, a daemon)
 * stays, as it would after a terminal closed; one that ignores SIGHUP (nohup) stays once the
 * shell is gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Dockerode from 'dockerode';

/** Start of the mark the shell prints first thing: ESC ] berth-pid ; <pid> BEL (an OSC a terminal would ignore). */
export const PID_MARK = '\x1b]berth-pid;';
const PID_MARK_MAX = PID_MARK.length + 12;

/**
 * What an exec terminal runs: it reports its pid, sets the terminal to the size of the view (with
 * the image's stty, when it has one: so the size is right from the first byte on every engine,
 * also those before API 1.42 that take no size with the exec), then becomes `command` — or bash
 * when the image has it, else sh. The pid stays that of what runs: `exec`.
 */
export function execCommand(size: { cols: number; rows: number }, command?: readonly string[]): string[] {
  const then = command?.length ? 'exec "$@"' : 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi';
  const script = `printf '\\033]berth-pid;%s\\007' "$$"; r=$1 c=$2; shift 2; command -v stty >/dev/null 2>&1 && stty rows "$r" cols "$c" 2>/dev/null; ${then}`;
  return ['/bin/sh', '-c', script, 'berth', String(size.rows), String(size.cols), ...(command ?? [])];
}

/** How long the shell may take to say its pid, and to go after SIGHUP. */
export const PID_WAIT_MS = 10_000;
export const HANGUP_GRACE_MS = 2_000;
/** How long a signal's own short exec may take before it is left (the signal is sent by then, or never will be). */
export const SIGNAL_WAIT_MS = 5_000;

/**
 * Signals every process whose session is $1 ($2: HUP or KILL), reading /proc as any container
 * has it, with the shell's own `read`, `set` and `kill` (no ps or pkill needed). The fields after
 * the last ") " of /proc/<pid>/stat are: state ppid pgrp session.
 */
const SIGNAL_SESSION = 's=$1 sig=$2; for p in /proc/[0-9]*; do read -r l < "$p/stat" || continue; l=${l##*") "}; set -- $l; [ "$4" = "$s" ] && kill -s "$sig" "${p#/proc/}"; done 2>/dev/null; exit 0';

/** Takes the pid mark off the start of the shell's output (all of it, wherever a read cut it). */
export class PidMark {
  private head = '';
  done = false;

  /** The output with the mark taken out, and the pid once known (`done` says the search is over). */
  push(text: string): { text: string; pid?: number } {
    if (this.done) return { text };
    const s = this.head + text;
    const end = s.indexOf('\x07');
    const found = end >= 0 ? /^\x1b\]berth-pid;(\d{1,10})\x07/.exec(s) : null;
    if (found) {
      this.done = true;
      this.head = '';
      return { text: s.slice(found[0].length), pid: Number(found[1]) };
    }
    const maybe = end < 0 && s.length <= PID_MARK_MAX && (s.length <= PID_MARK.length ? PID_MARK.startsWith(s) : s.startsWith(PID_MARK) && /^\d*$/.test(s.slice(PID_MARK.length)));
    if (maybe) {
      this.head = s;
      return { text: '' };
    }
    this.done = true; // not a mark: the output as it came
    this.head = '';
    return { text: s };
  }
}

/** Sends `signal` to the processes of session `sid` in the container; never throws (a stopped container has none). */
export async function signalSession(container: Dockerode.Container, sid: number, signal: 'HUP' | 'KILL'): Promise<void> {
  try {
    const exec = await container.exec({ Cmd: ['/bin/sh', '-c', SIGNAL_SESSION, 'sh', String(sid), signal], AttachStdout: true, AttachStderr: true, User: '0' });
    const stream = await exec.start({ hijack: true, stdin: false });
    // Within SIGNAL_WAIT_MS: an engine busy with the container (20.10 waits on an exec's unread output) must not hold the terminal's end.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, SIGNAL_WAIT_MS);
      const done = () => (clearTimeout(timer), resolve());
      stream.once('end', done).once('close', done).once('error', done);
      stream.resume();
    });
    stream.destroy();
  } catch {
    /* the container stopped, or is going: nothing is left to end */
  }
}

const running = (exec: Dockerode.Exec) =>
  exec.inspect().then(
    (i) => i.Running,
    () => false,
  );

/**
 * Ends the exec's shell: SIGHUP to its session now, SIGKILL after HANGUP_GRACE_MS if the shell is
 * still running. Resolves once SIGHUP was sent.
 */
export async function hangUp(container: Dockerode.Container, exec: Dockerode.Exec, pid: number): Promise<void> {
  if (!(await running(exec))) return; // it ended by itself (`exit`)
  await signalSession(container, pid, 'HUP');
  void sleep(HANGUP_GRACE_MS, undefined, { ref: false }).then(async () => {
    if (await running(exec)) await signalSession(container, pid, 'KILL');
  });
}
