/**
 * The Compose lifecycle through a Compose v2 CLI on this machine, pointed at the engine Berth uses
 * (DOCKER_HOST). Berth does not reimplement Compose: it finds `docker compose` (the CLI plugin) or
 * a standalone `docker-compose` v2 and says so plainly when there is neither.
 *
 * An `up` takes several files (in order), an env file, profiles and `--build`. Before anything is
 * made, Compose checks the files (`config --quiet`); its error is said with the file (and line)
 * it is in, and a profile the project does not have is refused. A failed or cancelled `up` of a
 * project that had no containers before is taken down again, with the volumes it made, so it
 * leaves no half-made project behind; volumes that were there before are kept. One `up` or `down`
 * of a project at a time.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { ComposeProjectInfo, ComposeStatus, EngineTls } from '../../shared/models';
import { engineCliEnv } from '../engine/tls';
import type { StreamSink } from '../stream-sink';
import { runCompose, streamCompose, type ComposeCommand, type ComposeResult } from './compose-cli';
import type { ComposeMemory } from './compose-memory';
import { parsePs, psEntry, serviceRows, sourceFromLabels } from './compose-project';

export type { ComposeCommand } from './compose-cli';

/** The file names Compose looks for in a folder, in its order. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

const DEFAULT_CANDIDATES: ComposeCommand[] = [['docker', 'compose'], ['docker-compose']];

/** Compose's rule for project names. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

const PROJECT_LABEL = 'com.docker.compose.project';

/** The project name Compose derives from a folder name. */
export function projectNameFor(dir: string): string {
  return basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

/** Where a project's model comes from: its files in order, an env file, the profiles made active. */
export interface ComposeSource {
  files: string[];
  envFile?: string;
  profiles?: string[];
}

/**
 * Compose's global options for a source and project, each as `--flag=value` so a value can never
 * be read as a flag (a file named `-x.yaml`, a folder with spaces: one argument each, no shell).
 */
export function sourceArgs(src: ComposeSource, project?: string): string[] {
  return [
    ...src.files.map((f) => `--file=${f}`),
    ...(src.envFile ? [`--env-file=${src.envFile}`] : []),
    ...(src.profiles ?? []).map((p) => `--profile=${p}`),
    ...(project ? [`--project-name=${project}`] : []),
  ];
}

export interface ComposeOptions {
  /** DOCKER_HOST for the CLI: the engine Berth is connected to. */
  dockerHost: string;
  /** The engine's TLS files, passed on as DOCKER_CERT_PATH and DOCKER_TLS_VERIFY (or DOCKER_TLS). */
  tls?: EngineTls;
  /** Commands to try in order; BERTH_COMPOSE (a path to a compose binary) goes first when set. */
  candidates?: ComposeCommand[];
  env?: NodeJS.ProcessEnv;
  /** Where Berth keeps how it brought each project up (none: it remembers nothing). */
  memory?: ComposeMemory;
}

/** Compose's last error lines, or why it did not run. */
const reasonOf = (r: ComposeResult) => r.spawnError ?? (r.errors.slice(-3).join(' ') || `exit code ${r.code}`);

const noSink = (): StreamSink<string> => ({ write: async () => {}, signal: new AbortController().signal, onInput: () => {} });

export class ComposeService {
  private found?: Promise<{ cmd: ComposeCommand; version: string } | undefined>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly candidates: ComposeCommand[];
  /** Projects with an up or down running, and which. */
  private readonly busy = new Map<string, string>();
  private readonly memory?: ComposeMemory;
  /** Projects with a `compose watch` running. */
  private readonly watching = new Set<string>();

  constructor(
    private readonly docker: Dockerode,
    opts: ComposeOptions,
  ) {
    const env = opts.env ?? process.env;
    // Compose reads its project from these when set; Berth's own environment must not choose it.
    const { COMPOSE_FILE: _f, COMPOSE_PROFILES: _p, COMPOSE_PROJECT_NAME: _n, COMPOSE_ENV_FILES: _e, COMPOSE_PATH_SEPARATOR: _s, ...own } = env;
    this.env = { ...engineCliEnv(own, opts.dockerHost, opts.tls), COMPOSE_ANSI: 'never', COMPOSE_PROGRESS: 'plain' };
    this.memory = opts.memory;
    this.candidates = [...(env.BERTH_COMPOSE ? [[env.BERTH_COMPOSE]] : []), ...(opts.candidates ?? DEFAULT_CANDIDATES)];
  }

  /** The first candidate that answers with a v2+ version (looked up once; `recheck` looks again). */
  private detect(recheck = false) {
    if (!this.found || recheck) {
      this.found = (async () => {
        for (const cmd of this.candidates) {
          const r = await runCompose(cmd, ['version', '--short'], { env: this.env });
          const version = r.code === 0 ? r.stdout.trim() : '';
          if (/^v?([2-9]|\d{2,})\./.test(version)) return { cmd, version: version.replace(/^v/, '') };
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
    const path = expandHome(raw);
    const st = await stat(path).catch(() => undefined);
    if (!st) throw new BerthError('NOT_FOUND', `There is no file or folder ${path} on this machine.`);
    if (st.isFile()) return path;
    for (const name of COMPOSE_FILES) {
      const f = join(path, name);
      if ((await stat(f).catch(() => undefined))?.isFile()) return f;
    }
    throw new BerthError('NOT_FOUND', `${path} has no ${COMPOSE_FILES.join(', ')}.`);
  }

  /** The files (folders turned into their compose file) and the env file, checked to be there. */
  private async resolveSource(raw: ComposeSource): Promise<ComposeSource> {
    const files: string[] = [];
    for (const f of raw.files) files.push(await this.resolveFile(f));
    const src: ComposeSource = { files, ...(raw.profiles?.length ? { profiles: raw.profiles } : {}) };
    if (raw.envFile) {
      const envFile = expandHome(raw.envFile);
      if (!(await stat(envFile).catch(() => undefined))?.isFile()) throw new BerthError('NOT_FOUND', `There is no env file ${envFile} on this machine.`);
      src.envFile = envFile;
    }
    return src;
  }

  /**
   * Compose's own check of the files with these profiles: its error in words, with the file it
   * is in (Compose names the file for a schema error but not for a YAML one: each file is then
   * loaded alone to find it). Resolves with the project's profiles.
   */
  private async check(cmd: ComposeCommand, src: ComposeSource, project?: string): Promise<string[]> {
    const cwd = dirname(src.files[0]!);
    const fail = reasonOf;
    const checked = await runCompose(cmd, [...sourceArgs(src, project), 'config', '--quiet'], { env: this.env, cwd });
    if (checked.code !== 0) {
      const reason = await this.whereBroken(cmd, src.files, cwd, fail(checked));
      throw new BerthError('COMMAND_FAILED', `The compose files do not load: ${reason}`, { hint: 'Fix the file where Compose says and try again; nothing was started.' });
    }
    const listed = await runCompose(cmd, [...sourceArgs({ ...src, profiles: [] }, project), 'config', '--profiles'], { env: this.env, cwd });
    if (listed.code !== 0) throw new BerthError('COMMAND_FAILED', `Compose could not list the project's profiles: ${fail(listed)}`);
    const profiles = listed.stdout.split('\n').filter(Boolean);
    const unknown = (src.profiles ?? []).filter((p) => !profiles.includes(p));
    if (unknown.length) {
      const has = profiles.length ? `its profiles are ${profiles.join(', ')}` : 'it has none';
      throw new BerthError('INVALID_ARGUMENT', `The project has no profile ${unknown.join(', ')}: ${has}.`, { hint: 'Choose among the profiles the files declare; nothing was started.' });
    }
    return profiles;
  }

  /** Compose's reason, with the file it is in for a YAML error (Compose does not name it: each file is loaded alone to find it). */
  private async whereBroken(cmd: ComposeCommand, files: string[], cwd: string, reason: string): Promise<string> {
    if (!/^yaml: /.test(reason)) return reason;
    for (const file of files) {
      const alone = await runCompose(cmd, [`--file=${file}`, 'config', '--quiet', '--no-consistency', '--no-interpolate'], { env: this.env, cwd });
      if (alone.code !== 0 && /^yaml: /.test(reasonOf(alone))) return `${file}: ${reasonOf(alone)}`;
    }
    return reason;
  }

  /** The profiles the files declare (`config --profiles`), after Compose's check of the files. */
  async profiles(raw: ComposeSource): Promise<string[]> {
    const cmd = await this.command();
    return this.check(cmd, await this.resolveSource({ ...raw, profiles: [] }));
  }

  private async projectContainers(project: string): Promise<number> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
    return list.length;
  }

  private async projectVolumes(project: string): Promise<string[]> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: [`${PROJECT_LABEL}=${project}`] } });
    return (Volumes ?? []).map((v) => v.Name);
  }

  /** Runs `fn` as the one up or down of `project` (a second one at the same time is refused). */
  private async exclusive<T>(project: string, verb: string, fn: () => Promise<T>): Promise<T> {
    const now = this.busy.get(project);
    if (now) throw new BerthError('CONFLICT', `compose ${now} of ${project} is running; wait for it to end or cancel it.`, { hint: 'One compose up or down of a project at a time.' });
    this.busy.set(project, verb);
    try {
      return await fn();
    } finally {
      this.busy.delete(project);
    }
  }

  /** `up -d` of the files' project, streaming Compose's output lines. */
  async up(args: ComposeSource & { project?: string; build?: boolean }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    const src = await this.resolveSource(args);
    const cwd = dirname(src.files[0]!);
    const project = args.project ?? projectNameFor(cwd);
    if (!PROJECT_NAME.test(project)) {
      throw new BerthError('INVALID_ARGUMENT', `"${project}" is not a valid project name: use lowercase letters, digits, "-" and "_", starting with a letter or digit.`);
    }
    await this.exclusive(project, 'up', async () => {
      await this.check(cmd, src, project);
      if (sink.signal.aborted) return;
      const fresh = (await this.projectContainers(project)) === 0;
      const volumesBefore = new Set(await this.projectVolumes(project));
      const run = await streamCompose(cmd, [...sourceArgs(src, project), 'up', '--detach', '--remove-orphans', ...(args.build ? ['--build'] : [])], sink, { env: this.env, cwd });
      if (!run.failure && !sink.signal.aborted) {
        await this.memory?.remember(project, { files: src.files, ...(src.envFile ? { envFile: src.envFile } : {}), profiles: src.profiles ?? [], workingDir: cwd });
        return;
      }
      let cleanup = '';
      if (fresh) cleanup = await this.takeBack(cmd, src, project, volumesBefore);
      if (sink.signal.aborted) return;
      throw new BerthError('COMMAND_FAILED', `compose up failed: ${run.failure}${cleanup}`);
    });
  }

  /** Takes down what a failed up of a new project made (and the volumes it made), and says so; the user's files are untouched. */
  private async takeBack(cmd: ComposeCommand, src: ComposeSource, project: string, volumesBefore: Set<string>): Promise<string> {
    // By the same files and profiles: Compose finds what it made by label.
    const down = await streamCompose(cmd, [...sourceArgs(src, project), 'down', '--remove-orphans'], noSink(), { env: this.env, cwd: dirname(src.files[0]!) });
    const left: string[] = [];
    for (const name of await this.projectVolumes(project).catch(() => [])) {
      if (!volumesBefore.has(name))
        await this.docker
          .getVolume(name)
          .remove()
          .catch(() => left.push(name));
    }
    if (down.failure) return ` Cleaning up failed too: ${down.failure}`;
    if (left.length) return ` The volumes ${left.join(', ')} could not be removed.`;
    return ' Nothing of the project is left behind.';
  }

  /**
   * How a project is run: Berth's record of its up, or its containers' labels when it was started
   * elsewhere (or from other files since); undefined when neither knows it.
   */
  private async howOf(project: string) {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`] } });
    const remembered = await this.memory?.get(project);
    const labelled = list.map((c) => sourceFromLabels(c.Labels ?? {})).find((x) => x !== undefined);
    const how = labelled && (!remembered || labelled.files.join('\n') !== remembered.files.join('\n')) ? { ...labelled, profiles: [] as string[] } : remembered;
    return { list, how, source: how && how === remembered ? ('berth' as const) : ('labels' as const) };
  }

  /** The global options and folder to run Compose for a known project, checked to be there. */
  private async runAs(project: string): Promise<{ args: string[]; cwd: string; files: string[] }> {
    const { how } = await this.howOf(project);
    if (!how) throw new BerthError('NOT_FOUND', `There is no compose project ${project}: it has no containers, and Berth did not bring it up.`);
    if (!(await stat(how.workingDir).catch(() => undefined))?.isDirectory()) {
      throw new BerthError('NOT_FOUND', `The folder of compose project ${project}, ${how.workingDir}, is not there any more.`, { hint: 'Bring the project up again from its files.' });
    }
    return { args: sourceArgs({ files: how.files, ...(how.envFile ? { envFile: how.envFile } : {}), profiles: how.profiles }, project), cwd: how.workingDir, files: how.files };
  }

  /**
   * A project's services with their state, not created ones included (`config --services` joined
   * with `ps --all --format json`), run with the files, env file and profiles it was brought up
   * with (see howOf).
   */
  async project(project: string): Promise<ComposeProjectInfo> {
    const cmd = await this.command();
    const { list, how, source } = await this.howOf(project);
    if (!how) throw new BerthError('NOT_FOUND', `There is no compose project ${project}: it has no containers, and Berth did not bring it up.`);
    const info = {
      project,
      files: how.files,
      ...(how.envFile ? { envFile: how.envFile } : {}),
      profiles: how.profiles,
      workingDir: how.workingDir,
      source,
    } as const;
    const engineOnly = () =>
      serviceRows(
        [],
        list.map((c) => psEntry(c.Labels?.['com.docker.compose.service'] ?? c.Names[0]?.slice(1) ?? c.Id, c.State, c.Status)),
      );
    if (!(await stat(how.workingDir).catch(() => undefined))?.isDirectory()) return { ...info, services: engineOnly(), problem: `The project's folder ${how.workingDir} is not there any more.` };
    const args = sourceArgs({ files: how.files, ...(how.envFile ? { envFile: how.envFile } : {}), profiles: how.profiles }, project);
    const declared = await runCompose(cmd, [...args, 'config', '--services'], { env: this.env, cwd: how.workingDir });
    if (declared.code !== 0) return { ...info, services: engineOnly(), problem: `Compose cannot read the project's files: ${reasonOf(declared)}` };
    const ps = await runCompose(cmd, [...args, 'ps', '--all', '--format', 'json'], { env: this.env, cwd: how.workingDir });
    if (ps.code !== 0) throw new BerthError('COMMAND_FAILED', `compose ps of ${project} failed: ${reasonOf(ps)}`);
    return { ...info, services: serviceRows(declared.stdout.split('\n').filter(Boolean), parsePs(ps.stdout)) };
  }

  /**
   * `down` of a project, run with its files, env file and folder (so `--volumes` finds the named
   * volumes the files declare); by name alone when neither Berth nor its labels know the files.
   * Volumes only when asked.
   */
  async down(args: { project: string; removeVolumes: boolean }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    await this.exclusive(args.project, 'down', async () => {
      if ((await this.projectContainers(args.project)) === 0) throw new BerthError('NOT_FOUND', `There is no compose project ${args.project}.`);
      const as = await this.runAs(args.project).catch(() => ({ args: ['-p', args.project], cwd: undefined }));
      const downArgs = ['down', '--remove-orphans', ...(args.removeVolumes ? ['--volumes'] : [])];
      let run = await streamCompose(cmd, [...as.args, ...downArgs], sink, { env: this.env, ...(as.cwd ? { cwd: as.cwd } : {}) });
      // Its files gone or broken since: by name alone, as before (Compose finds the containers by label).
      if (run.failure && !sink.signal.aborted && as.cwd !== undefined && (await this.projectContainers(args.project)) > 0) {
        run = await streamCompose(cmd, ['-p', args.project, ...downArgs], sink, { env: this.env });
      }
      if (run.failure && !sink.signal.aborted) throw new BerthError('COMMAND_FAILED', `compose down failed: ${run.failure}`);
    });
  }

  /** The services the project's files declare (`config --services`), or Compose's error in words. */
  private async declared(cmd: ComposeCommand, project: string, as: { args: string[]; cwd: string; files: string[] }): Promise<string[]> {
    const r = await runCompose(cmd, [...as.args, 'config', '--services'], { env: this.env, cwd: as.cwd });
    if (r.code !== 0)
      throw new BerthError('COMMAND_FAILED', `The compose files of ${project} do not load: ${await this.whereBroken(cmd, as.files, as.cwd, reasonOf(r))}`, {
        hint: 'Fix the file where Compose says and try again; nothing was changed.',
      });
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .sort((a, b) => a.localeCompare(b));
  }

  /** `start`, `stop` or `restart` of one service of a project, streaming Compose's output lines. */
  async service(args: { project: string; service: string; action: 'start' | 'stop' | 'restart' }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    const as = await this.runAs(args.project);
    const services = await this.declared(cmd, args.project, as);
    if (!services.includes(args.service)) {
      throw new BerthError('NOT_FOUND', `Compose project ${args.project} has no service ${args.service}: its services are ${services.join(', ') || 'none'}.`);
    }
    await this.exclusive(args.project, `${args.action} ${args.service}`, async () => {
      const run = await streamCompose(cmd, [...as.args, args.action, args.service], sink, { env: this.env, cwd: as.cwd });
      if (sink.signal.aborted) return;
      if (run.failure) throw new BerthError('COMMAND_FAILED', `compose ${args.action} ${args.service} failed: ${run.failure}`);
      // Compose's start of a service with no container says nothing and succeeds: say so.
      if (args.action !== 'stop' && (await this.serviceContainers(args.project, args.service)) === 0) {
        throw new BerthError('NOT_FOUND', `Service ${args.service} of ${args.project} has no container to ${args.action}.`, { hint: 'Bring the project up (compose up) to create it.' });
      }
    });
  }

  private async serviceContainers(project: string, service: string): Promise<number> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT_LABEL}=${project}`, `com.docker.compose.service=${service}`] } });
    return list.length;
  }

  /**
   * `pull` or `build` of a project's images, streaming Compose's output. A cancel stops Compose and
   * every process it started (its process group); an image is tagged only once whole, so nothing
   * half-made is left.
   */
  async images(args: { project: string; verb: 'pull' | 'build' }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    const as = await this.runAs(args.project);
    await this.declared(cmd, args.project, as);
    await this.exclusive(args.project, args.verb, async () => {
      const run = await streamCompose(cmd, [...as.args, args.verb, ...(args.verb === 'pull' ? ['--ignore-buildable'] : [])], sink, { env: this.env, cwd: as.cwd });
      if (run.failure && !sink.signal.aborted) throw new BerthError('COMMAND_FAILED', `compose ${args.verb} of ${args.project} failed: ${run.failure}`);
    });
  }

  /**
   * `compose watch` of a project until cancelled, streaming its output; the cancel ends it and its
   * children (its process group). Refused for a project whose services have no `develop.watch`,
   * and while a watch of it runs.
   */
  async watch(args: { project: string }, sink: StreamSink<string>): Promise<void> {
    const cmd = await this.command();
    if (this.watching.has(args.project)) throw new BerthError('CONFLICT', `compose watch of ${args.project} is running already.`, { hint: 'Stop it first; one watch of a project at a time.' });
    this.watching.add(args.project);
    try {
      const as = await this.runAs(args.project);
      const model = await runCompose(cmd, [...as.args, 'config', '--format', 'json'], { env: this.env, cwd: as.cwd });
      if (model.code !== 0) await this.declared(cmd, args.project, as); // says why, with the file
      if (!watchedServices(model.stdout).length) {
        throw new BerthError('INVALID_ARGUMENT', `No service of ${args.project} says what to watch.`, {
          hint: 'Add a develop.watch section (action sync, rebuild or sync+restart) to a service in its compose file.',
        });
      }
      const run = await streamCompose(cmd, [...as.args, 'watch'], sink, { env: this.env, cwd: as.cwd, graceMs: 5_000 });
      if (run.failure && !sink.signal.aborted) throw new BerthError('COMMAND_FAILED', `compose watch of ${args.project} ended: ${run.failure}`);
    } finally {
      this.watching.delete(args.project);
    }
  }
}

/** The services of a `config --format json` model that have a `develop.watch` rule. */
export function watchedServices(json: string): string[] {
  try {
    const model = JSON.parse(json) as { services?: Record<string, { develop?: { watch?: unknown[] } }> };
    return Object.entries(model.services ?? {})
      .filter(([, s]) => Array.isArray(s?.develop?.watch) && s.develop.watch.length > 0)
      .map(([name]) => name);
  } catch {
    return [];
  }
}

function expandHome(raw: string): string {
  return raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
}
