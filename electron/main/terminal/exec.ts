/**
 * Exec terminals: a shell in a container over the engine's exec API with a TTY (hijacked
 * connection). Ending the terminal (cancel, a closed tab or socket) ends the shell in the
 * container too: see exec-hangup.ts.
 */
import type Dockerode from 'dockerode';
import type { ParsedStreamArgsOf, TerminalInput } from '../../shared/api-contract';
import type { StreamSink } from '../stream-sink';
import { execCommand, hangUp, PID_WAIT_MS, PidMark } from './exec-hangup';
import { pipeTerminal } from './flow';

/**
 * The most typed input kept while the shell has not said its pid yet. Past it, input is dropped
 * with a log line (as a TTY drops typeahead past its buffer): the terminal goes on, the user sees
 * their keystrokes did not arrive, and a paste into a shell that never starts cannot fill memory.
 */
export const HELD_INPUT_CHARS = 64 * 1024;

/** What the terminal runs, as the contract takes it. */
export type ExecChoice = Pick<ParsedStreamArgsOf<'containers.exec'>, 'command' | 'user' | 'workdir'>;

export class ExecService {
  constructor(private readonly docker: Dockerode) {}

  /** A terminal running `choice.command` (default: bash, else sh) as `choice.user` in `choice.workdir`. */
  async shell(id: string, size: { cols: number; rows: number }, sink: StreamSink<string, TerminalInput>, choice: ExecChoice = {}): Promise<void> {
    if (sink.signal.aborted) return;
    const container = this.docker.getContainer(id);
    const consoleSize = [size.rows, size.cols]; // API 1.42+: the size from the start (older engines ignore it)
    const exec = await container.exec({
      Cmd: execCommand(size, choice.command),
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color'],
      ...(choice.user ? { User: choice.user } : {}),
      ...(choice.workdir ? { WorkingDir: choice.workdir } : {}),
      ConsoleSize: consoleSize,
    } as Dockerode.ExecCreateOptions);
    if (sink.signal.aborted) return; // made, never started: no process to end
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true, ConsoleSize: consoleSize } as Dockerode.ExecStartOptions);
    const resize = (cols: number, rows: number) => void exec.resize({ w: cols, h: rows }).catch(() => undefined); // fails once the shell is gone: harmless
    resize(size.cols, size.rows);

    // Read at once, whether or not the terminal gets to start: the pid comes first and ending needs it.
    const decoder = new TextDecoder('utf-8');
    const mark = new PidMark();
    let said!: (pid?: number) => void;
    const pid = new Promise<number | undefined>((resolve) => (said = resolve));
    let held: string[] | undefined = []; // input until the shell said its pid: no echo may come before the mark
    let heldChars = 0;
    let dropped = 0;
    const hold = (d: string) => {
      if (!dropped && heldChars + d.length <= HELD_INPUT_CHARS) {
        held!.push(d);
        heldChars += d.length;
      } else if (dropped++ === 0) console.warn(`[berth] terminal in ${id}: more than ${HELD_INPUT_CHARS / 1024} KiB typed before the shell was ready; the rest is dropped`);
    };
    const settle = (p?: number) => {
      if (!held) return;
      const input = held;
      held = undefined;
      said(p);
      for (const d of input) stream.write(d);
    };
    let onData: ((text: string) => void) | undefined;
    let early = '';
    stream.on('data', (buf: Buffer) => {
      let text = decoder.decode(buf, { stream: true });
      if (!mark.done) {
        const r = mark.push(text);
        text = r.text;
        if (mark.done) settle(r.pid);
      }
      if (!text) return;
      if (onData) onData(text);
      else early += text;
    });
    let ended: ((error?: Error) => void) | undefined;
    let endedEarly: { error?: Error } | undefined;
    const end = (error?: Error) => {
      settle(undefined);
      if (ended) ended(error);
      else endedEarly ??= { error };
    };
    stream
      .once('end', () => end())
      .once('close', () => end())
      .once('error', (e) => end(e));

    await pipeTerminal(
      {
        write: (d) => (held ? hold(d) : void stream.write(d)),
        resize,
        pause: () => stream.pause(),
        resume: () => stream.resume(),
        start: (data, done) => {
          onData = data;
          ended = done;
          if (early) data(early);
          early = '';
          if (endedEarly) done(endedEarly.error);
        },
        kill: async () => {
          // Its output is read (and dropped) from now on: an engine may wait for it to be read before
          // it ends the exec (Engine 20.10 does, with no time limit), and the terminal is gone.
          onData = () => {};
          stream.resume();
          try {
            const known = await withDeadline(pid, PID_WAIT_MS);
            if (known) await hangUp(container, exec, known);
          } finally {
            stream.destroy();
          }
        },
      },
      sink,
    );
  }
}

/** The promise's value, or undefined after `ms`. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
