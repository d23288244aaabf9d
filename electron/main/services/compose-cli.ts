/**
 * Running the Compose CLI: always with an argument array (never a shell), in its own process
 * group, so a cancel reaches Compose and every process it started (the `docker` CLI runs the
 * compose plugin as its child), as Ctrl+C in a terminal does.
 */
import { spawn } from 'node:child_process';
import type { StreamSink } from '../stream-sink';
import { LinePieces } from '../engine/log-stream';

/** How to run Compose: a command plus the arguments before Compose's own (e.g. `docker compose`). */
export type ComposeCommand = string[];

/** What a finished run said. */
export interface ComposeResult {
  code: number | null;
  stdout: string;
  /** Its error output, as lines (Compose writes its errors there). */
  errors: string[];
  /** Set when it could not be started at all. */
  spawnError?: string;
}

/** Terminal control sequences (CSI), which Compose writes even with COMPOSE_ANSI=never. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** After SIGINT, how long Compose gets to stop what it does before its process group is killed. */
export const GRACE_MS = 10_000;

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Runs Compose to its end (or `timeoutMs`), keeping what it printed; for short questions (`config`, `version`). */
export function runCompose(cmd: ComposeCommand, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<ComposeResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), opts.timeoutMs ?? 15_000);
    const finish = (code: number | null, spawnError?: string) => {
      clearTimeout(timer);
      const errors = Buffer.concat(err)
        .toString('utf8')
        .split('\n')
        .map((l) => l.trimEnd())
        .filter(Boolean);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), errors, ...(spawnError ? { spawnError } : {}) });
    };
    child.once('error', (e) => finish(null, `cannot run ${cmd.join(' ')}: ${e.message}`)); // a second resolve is ignored
    child.once('close', (code) => finish(code));
  });
}

/**
 * Runs Compose, sending each output line (stdout and stderr interleaved, as a terminal shows
 * them). Resolves with undefined on success, else with its last lines (the reason). A cancel
 * sends SIGINT to the process group, which Compose handles by stopping what it is doing, and
 * SIGKILL after GRACE_MS; it resolves once every process of the group has closed its output.
 */
export function streamCompose(
  cmd: ComposeCommand,
  args: string[],
  sink: StreamSink<string>,
  opts: { env: NodeJS.ProcessEnv; cwd?: string; graceMs?: number },
): Promise<{ failure?: string; lines: string[] }> {
  return new Promise((resolve) => {
    const tail: string[] = [];
    if (sink.signal.aborted) return resolve({ lines: tail }); // cancelled before it started: run nothing
    const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let kill: NodeJS.Timeout | undefined;
    const onAbort = () => {
      signalGroup(child.pid, 'SIGINT');
      kill = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), opts.graceMs ?? GRACE_MS);
    };
    sink.signal.addEventListener('abort', onAbort, { once: true });
    let chain = Promise.resolve();
    // A line over MAX_LINE comes in pieces, one line each; a progress line redrawn with \r shows its latest state.
    const lines = (stream: NodeJS.ReadableStream) => {
      const split = new LinePieces({ redraw: true });
      stream.on('data', (data: Buffer) => split.push(data).forEach((p) => emit(p.text)));
      stream.on('end', () => split.flush().forEach((p) => emit(p.text)));
    };
    const emit = (raw: string) => {
      const line = raw.replace(ANSI, ''); // COMPOSE_ANSI=never still clears lines (`watch`)
      tail.push(line);
      if (tail.length > 20) tail.shift();
      chain = chain.then(() => sink.write(line));
    };
    lines(child.stdout);
    lines(child.stderr);
    child.once('error', (e) => finish(`cannot run ${cmd.join(' ')}: ${e.message}`));
    child.once('close', (code) => {
      const said = tail.filter((l) => l.trim()).slice(-3);
      finish(code === 0 ? undefined : said.join(' ') || `exit code ${code}`);
    });
    let done = false;
    function finish(failure: string | undefined) {
      if (done) return;
      done = true;
      clearTimeout(kill);
      sink.signal.removeEventListener('abort', onAbort);
      void chain.then(() => resolve({ ...(failure ? { failure } : {}), lines: tail }));
    }
  });
}
