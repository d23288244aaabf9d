/**
 * `compose up` / `compose down` through a Compose v2 CLI on this machine, pointed at the engine
 * Berth uses (DOCKER_HOST). Berth does not reimplement Compose: it finds `docker compose` (the CLI
 * plugin) or a standalone `docker-compose` v2 and says so plainly when there is neither.
 *
 * A failed or cancelled `up` of a project that had no containers before is taken down again, so it
 * leaves no half-made project behind; named volumes are kept (they may hold data from earlier runs).
 */
import { spawn, execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { ComposeStatus } from '../../shared/models';
import type { StreamSink } from '../stream-sink';
import { LinePieces } from '../engine/log-stream';

/** The file names Compose looks for in a folder, in its order. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** How to run Compose: a command plus the arguments before Compose's own (e.g. `docker compose`). */
export type ComposeCommand = string[];

const DEFAULT_CANDIDATES: ComposeCommand[] = [['docker', 'compose'], ['docker-compose']];

/** Compose's rule for project names. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The project name Compose derives from a folder name. */
export function projectNameFor(dir: string): string {
  return basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

function run(cmd: ComposeCommand, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd[0]!, [...cmd.slice(1), ...args], { env, timeout: 15_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
  });
}

export interface ComposeOptions {
  /** DOCKER_HOST for the CLI: the engine Berth is connected to. */
  dockerHost: string;
  /** Commands to try in order; BERTH_COMPOSE (a path to a compose binary) goes first when set. */
  candidates?: ComposeCommand[];
  env?: NodeJS.ProcessEnv;
}

export class ComposeService {
  private found?: Promise<{ cmd: ComposeCommand; version: string } | undefined>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly candidates: ComposeCommand[];

  constructor(
    private readonly docker: Dockerode,
    opts: ComposeOptions,
  ) {
    const env = opts.env ?? process.env;
    this.env = { ...env, DOCKER_HOST: opts.dockerHost, COMPOSE_ANSI: 'never', COMPOSE_PROGRESS: 'plain' };
    this.candidates = [...(env.BERTH_COMPOSE ? [[env.BERTH_COMPOSE]] : []), ...(opts.candidates ?? DEFAULT_CANDIDATES)];
  }

  /** The first candidate that answers with a v2+ version (looked up once; `recheck` looks again). */
  private detect(recheck = false) {
    if (!this.found || recheck) {
      this.found = (async () => {
        for (const cmd of this.candidates) {
          const version = await run(cmd, ['version', '--short'], this.env).catch(() => undefined);
          if (version && /^v?([2-9]|\d{2,})\./.test(version)) return { cmd, version: version.replace(/^v/, '') };
        }
        return undefined;
      })();
    }
    return this.found;
  }

  async status(recheck = false): Promise<ComposeStatus> {
    const found = await this.detect(recheck);
    if (found) return { available: true, command: found.cmd.join(' '), version: found.version };
    return {
      available: false,
      reason: `No Compose v2 CLI found (tried ${this.candidates.map((c) => `\`${c.join(' ')}\``).join(', ')}). Install the Docker Compose plugin or a docker-compose v2 binary, or set BERTH_COMPOSE to its path.`,
    };
  }

  private async command(): Promise<ComposeCommand> {
    const found = await this.detect();
    if (!found) throw new BerthError('UNAVAILABLE', (await this.status()).reason!);
    return found.cmd;
  }

  /** A compose file, or a folder holding one, turned into the file's path. */
  async resolveFile(raw: string): Promise<string> {
    const path = raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
    const st = await stat(path).catch(() => undefined);
    if (!st) throw new BerthError('NOT_FOUND', `There is no file or folder ${path} on this machine.`);
    if (st.isFile()) return path;
    for (const name of COMPOSE_FILES) {
      const f = join(path, name);
      if ((await stat(f).catch(() => undefined))?.isFile()) return f;
    }
    throw new BerthError('NOT_FOUND', `${path} has no ${COMPOSE_FILES.join(', ')}.`);
  }

  private async projectContainers(project: string): Promise<number> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    return list.length;
  }

  /** `up -d` of the file's project, streaming Compose's output lines. */
  async up(args: { file: string; project?: string }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    const file = await this.resolveFile(args.file);
    const project = args.project ?? projectNameFor(dirname(file));
    if (!PROJECT_NAME.test(project)) {
      throw new BerthError('INVALID_ARGUMENT', `"${project}" is not a valid project name: use lowercase letters, digits, "-" and "_", starting with a letter or digit.`);
    }
    const fresh = (await this.projectContainers(project)) === 0;
    const failure = await this.stream(cmd, ['-f', file, '-p', project, 'up', '-d', '--remove-orphans'], sink, dirname(file));
    if (!failure && !sink.signal.aborted) return;
    let cleanup = '';
    if (fresh) {
      // Take down what this attempt made, and say so; the user's input (the file) is untouched.
      const noSink = { write: async () => {}, signal: new AbortController().signal, onInput: () => {} };
      // By project name, not by file: Compose finds what it made by label, even when the file is broken.
      const downFailed = await this.stream(cmd, ['-p', project, 'down', '--remove-orphans'], noSink);
      cleanup = downFailed ? ` Cleaning up failed too: ${downFailed}` : ' Nothing of the project is left behind.';
    }
    if (sink.signal.aborted) return;
    throw new BerthError('COMMAND_FAILED', `compose up failed: ${failure}${cleanup}`);
  }

  /** `down` of a project (by name: Compose finds its containers by label); volumes only when asked. */
  async down(args: { project: string; removeVolumes: boolean }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    if ((await this.projectContainers(args.project)) === 0) throw new BerthError('NOT_FOUND', `There is no compose project ${args.project}.`);
    const failure = await this.stream(cmd, ['-p', args.project, 'down', '--remove-orphans', ...(args.removeVolumes ? ['--volumes'] : [])], sink);
    if (failure && !sink.signal.aborted) throw new BerthError('COMMAND_FAILED', `compose down failed: ${failure}`);
  }

  /**
   * Runs Compose, sending each output line (stdout and stderr interleaved, as a terminal shows
   * them). Resolves with undefined on success, else with the reason (its last error lines).
   * Cancelling sends SIGINT, which Compose handles by stopping what it is doing.
   */
  private stream(cmd: ComposeCommand, args: string[], sink: StreamSink<string>, cwd?: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      if (sink.signal.aborted) return resolve(undefined); // cancelled before it started: run nothing
      const child = spawn(cmd[0]!, [...cmd.slice(1), ...args], { env: this.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      const tail: string[] = [];
      const onAbort = () => child.kill('SIGINT');
      sink.signal.addEventListener('abort', onAbort, { once: true });
      let chain = Promise.resolve();
      // A line over MAX_LINE comes in pieces, one line each; a progress line redrawn with \r shows its latest state.
      const lines = (stream: NodeJS.ReadableStream) => {
        const split = new LinePieces({ redraw: true });
        stream.on('data', (data: Buffer) => split.push(data).forEach((p) => emit(p.text)));
        stream.on('end', () => split.flush().forEach((p) => emit(p.text)));
      };
      const emit = (line: string) => {
        tail.push(line);
        if (tail.length > 5) tail.shift();
        chain = chain.then(() => sink.write(line));
      };
      lines(child.stdout);
      lines(child.stderr);
      child.once('error', (e) => finish(`cannot run ${cmd.join(' ')}: ${e.message}`));
      child.once('close', (code) =>
        finish(
          code === 0
            ? undefined
            : tail
                .filter((l) => l.trim())
                .slice(-3)
                .join(' ') || `exit code ${code}`,
        ),
      );
      let done = false;
      function finish(reason: string | undefined) {
        if (done) return;
        done = true;
        sink.signal.removeEventListener('abort', onAbort);
        void chain.then(() => resolve(reason));
      }
    });
  }
}
