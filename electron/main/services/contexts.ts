/**
 * Contexts: the engines Berth can switch between. Berth's own: "berth-vm" (the Berth VM's
 * forwarded socket) and the engines added in Berth (kept in its settings file). The docker CLI's:
 * "default" (DOCKER_HOST, else the platform's socket) and every context under the docker config's
 * contexts/meta, by its CLI name, read fresh on each list and never written.
 *
 * The engine in use: the one chosen in Berth (kept in the settings), else the docker CLI's order:
 * DOCKER_HOST, DOCKER_CONTEXT, `currentContext` in config.json; else Berth's own default, the VM.
 * (BERTH_DOCKER_HOST, before DOCKER_HOST, and `engine.host` in the settings, after currentContext,
 * are Berth's own ways to name "default"'s address; DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH
 * give its TLS, a CLI context's own TLS folder its.) One named that Berth cannot use (missing, TLS
 * files missing or unreadable, npipe, unreadable) is said in words and the VM is used instead: a bad file never stops a
 * start. Switching rebuilds every service on the new engine (Core.use) and tells every window.
 */
import { BerthError } from '../../shared/errors';
import { DEFAULT_CONTEXT, VM_CONTEXT, type ContextProbe, type EngineContext, type EngineList, type EngineTls } from '../../shared/models';
import { dockerConfigDir, listDockerContexts, scanDockerConfig, tlsFromEnv, type DockerConfigFile } from '../engine/docker-config';
import { DEFAULT_DOCKER_HOST, parseDockerHost } from '../engine/endpoint';
import { probeEngine } from '../engine/probe';
import { tlsProblem } from '../engine/tls';
import type { EventHub } from '../event-hub';
import { paths } from '../paths';
import { CONTEXT_NAME as DOCKER_CLI_BERTH_CONTEXT } from '../vm/docker-context';
import { loadSettings, updateSettings, type Settings } from '../settings';

export { DEFAULT_CONTEXT, VM_CONTEXT };
/** The Berth VM's engine: the socket its daemon forwards (there while the VM runs). */
export const vmDockerHost = (env: NodeJS.ProcessEnv) => `unix://${paths.vmDockerSocket(env)}`;

type Entry = Omit<EngineContext, 'active' | 'why'>;

/** Why Berth cannot use this address yet, in words; undefined when it can. */
export function unusable(host: string | undefined, tls?: EngineTls): string | undefined {
  if (!host) return 'It has no docker endpoint (no Endpoints.docker.Host in its meta.json).';
  if (host.startsWith('npipe://')) return `Its endpoint ${host} is a Windows named pipe, which Berth cannot use yet.`;
  try {
    parseDockerHost(host);
    return tls && tlsProblem(tls);
  } catch (e) {
    const err = e as BerthError;
    return `Berth cannot use the address ${host} yet: ${err.message}.${err.hint ? ` ${err.hint}` : ''}`;
  }
}

/** The address "default" stands for: Berth's override, the CLI's DOCKER_HOST, Berth's settings, else the platform's socket. */
function defaultEntry(settings: Settings, env: NodeJS.ProcessEnv): Entry {
  const [host, description] = env.BERTH_DOCKER_HOST
    ? [env.BERTH_DOCKER_HOST, 'BERTH_DOCKER_HOST (Berth’s own override of DOCKER_HOST)']
    : env.DOCKER_HOST
      ? [env.DOCKER_HOST, 'Current DOCKER_HOST based configuration']
      : settings.engine.host
        ? [settings.engine.host, 'engine.host in Berth’s settings']
        : [DEFAULT_DOCKER_HOST, 'The platform’s default socket'];
  const tls = tcpTls(host, tlsFromEnv(env));
  const problem = unusable(host, tls);
  return { name: DEFAULT_CONTEXT, host, builtIn: true, source: 'docker-cli', description, ...(tls ? { tls } : {}), ...(problem ? { problem } : {}) };
}

/** TLS goes with tcp:// addresses only (the CLI would try it over a unix socket too, and fail). */
function tcpTls(host: string | undefined, tls: EngineTls | undefined): EngineTls | undefined {
  return tls && host?.startsWith('tcp://') ? tls : undefined;
}

/** Every engine, in the picker's order (default, the VM, Berth's own, the CLI's by name), and what could not be read. */
function entries(settings: Settings, env: NodeJS.ProcessEnv, config: DockerConfigFile): { list: Entry[]; problems: string[] } {
  const vmHost = vmDockerHost(env);
  const problems: string[] = [];
  if (config.problem) problems.push(`The docker CLI's config: ${config.problem}. Berth reads no currentContext from it and leaves the file as it is.`);
  const list: Entry[] = [
    defaultEntry(settings, env),
    { name: VM_CONTEXT, host: vmHost, builtIn: true, source: 'berth', description: 'The Berth VM' },
    ...settings.contexts.map((c): Entry => {
      const problem = unusable(c.host);
      return { ...c, builtIn: false, source: 'berth', ...(problem ? { problem } : {}) };
    }),
  ];
  for (const c of listDockerContexts(env)) {
    if (!c.name) {
      problems.push(`A docker CLI context cannot be read: ${c.problem}. Berth lists the others and leaves the file as it is.`);
      continue;
    }
    if (c.name === DOCKER_CLI_BERTH_CONTEXT && c.host === vmHost) continue; // Berth's own context for the CLI: the VM, listed as berth-vm
    if (list.some((e) => e.name === c.name)) {
      problems.push(`The docker CLI's context "${c.name}" (${c.file}) has the name of one of Berth's engines, so only Berth's is listed.`);
      continue;
    }
    const tls = tcpTls(c.host, c.tls);
    const problem = unusable(c.host, tls);
    list.push({
      name: c.name,
      host: c.host ?? '',
      builtIn: true,
      source: 'docker-cli',
      ...(c.description ? { description: c.description } : {}),
      ...(tls ? { tls } : {}),
      ...(problem ? { problem } : {}),
    });
  }
  return { list, problems };
}

/** The engine in use and why; `problem` when what the environment or config names cannot be used (the VM is used then). */
export interface Resolution {
  name: string;
  why: string;
  problem?: string;
}

/** Which engine is in use: the one chosen in Berth, else the docker CLI's order, else the Berth VM. */
function resolve(settings: Settings, env: NodeJS.ProcessEnv, config: DockerConfigFile, list: Entry[]): Resolution {
  const picked = settings.activeContext && list.find((e) => e.name === settings.activeContext);
  if (picked && !picked.problem) return { name: picked.name, why: 'chosen in Berth' };
  const pick = (name: string, by: string): Resolution => {
    if (name === DOCKER_CLI_BERTH_CONTEXT && !list.some((e) => e.name === name)) return { name: VM_CONTEXT, why: `from ${by} ("${name}", the docker CLI's context for the Berth VM)` };
    const e = list.find((c) => c.name === name);
    const problem = !e
      ? `${by} names the docker context "${name}", which does not exist in ${dockerConfigDir(env)}. Berth uses its VM instead.`
      : e.problem
        ? `${by} names "${name}", which Berth cannot use: ${e.problem} Berth uses its VM instead.`
        : undefined;
    if (problem) return { name: VM_CONTEXT, why: `Berth's default, as ${by} names an engine Berth cannot use`, problem };
    return { name, why: `from ${by}` };
  };
  if (env.BERTH_DOCKER_HOST) return pick(DEFAULT_CONTEXT, 'BERTH_DOCKER_HOST');
  if (env.DOCKER_HOST) return pick(DEFAULT_CONTEXT, 'DOCKER_HOST');
  if (env.DOCKER_CONTEXT) return pick(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT');
  // The CLI stores "default" as no currentContext (`docker context use default` writes none), so the two are one here too.
  if (config.currentContext && config.currentContext !== DEFAULT_CONTEXT) return pick(config.currentContext, `currentContext in ${config.file}`);
  if (settings.engine.host) return pick(DEFAULT_CONTEXT, 'engine.host in Berth’s settings');
  return { name: VM_CONTEXT, why: "Berth's default: no DOCKER_HOST, DOCKER_CONTEXT or currentContext names another engine" };
}

/** The engines and the one in use, as the picker shows them. */
export function engineList(settings: Settings, env: NodeJS.ProcessEnv, config = scanDockerConfig(env)): EngineList & { resolution: Resolution } {
  const { list, problems } = entries(settings, env, config);
  const resolution = resolve(settings, env, config, list);
  return {
    contexts: list.map((e) => (e.name === resolution.name ? { ...e, active: true, why: resolution.why } : { ...e, active: false })),
    problems: resolution.problem ? [resolution.problem, ...problems] : problems,
    resolution,
  };
}

/** The context in use, from settings, environment and the docker CLI's files. */
export function activeContextName(settings: Settings, env: NodeJS.ProcessEnv): string {
  return engineList(settings, env).resolution.name;
}

/** What a start prints: what Berth could not read of the docker CLI's files, and the engine Berth uses instead. */
export function engineReport(settings: Settings, env: NodeJS.ProcessEnv): string[] {
  return engineList(settings, env).problems;
}

/** The address of the context in use: never throws, and always one Berth can use. */
export function activeDockerHost(settings: Settings, env: NodeJS.ProcessEnv): string {
  return activeEngine(settings, env).dockerHost;
}

/** The address of the context in use and its TLS files, as createCore takes them: never throws, and always one Berth can use. */
export function activeEngine(settings: Settings, env: NodeJS.ProcessEnv): { dockerHost: string; tls?: EngineTls } {
  const { host, tls } = engineList(settings, env).contexts.find((c) => c.active)!;
  return tls ? { dockerHost: host, tls } : { dockerHost: host };
}

export class ContextsService {
  /**
   * The docker CLI's config.json as it was when Berth started: the engine in use was picked from
   * it then, so a later `docker context use` in a shell does not make the list disagree with it.
   */
  private readonly configAtLaunch: DockerConfigFile;

  constructor(
    private readonly opts: {
      settingsFile: string;
      env: NodeJS.ProcessEnv;
      /** Switches the core to the engine at this address (over TLS with these files). */
      use: (dockerHost: string, tls?: EngineTls) => void;
      hub: EventHub;
    },
  ) {
    this.configAtLaunch = scanDockerConfig(opts.env);
  }

  private async settings(): Promise<Settings> {
    return (await loadSettings(this.opts.settingsFile)).settings;
  }

  private view(s: Settings): EngineList {
    const { contexts, problems } = engineList(s, this.opts.env, this.configAtLaunch);
    return { contexts, problems };
  }

  async list(): Promise<EngineList> {
    return this.view(await this.settings());
  }

  /** Uses `name` in Berth; the docker CLI's own choice (config.json) is left as it is. */
  async use(name: string): Promise<void> {
    const s = await this.settings();
    const ctx = this.view(s).contexts.find((c) => c.name === name);
    if (!ctx) throw new BerthError('NOT_FOUND', `There is no context named "${name}".`);
    if (ctx.problem) throw new BerthError('CONFLICT', `Berth cannot use "${name}": ${ctx.problem}`, { hint: 'Choose another engine.' });
    this.opts.use(ctx.host, ctx.tls);
    await updateSettings(this.opts.settingsFile, (cur) => ({ ...cur, activeContext: name }));
    this.opts.hub.emit('contexts:changed', { active: name });
  }

  /** Pings every context's engine at once; ssh:// ones are not checked (a probe would open a tunnel). */
  async probe(): Promise<ContextProbe[]> {
    return Promise.all(
      (await this.list()).contexts.map(async ({ name, host, active, problem, tls }): Promise<ContextProbe> => {
        if (problem) return { name, host, active, answers: false, reason: problem };
        const endpoint = parseDockerHost(host, tls ? 2376 : 2375);
        if (endpoint.kind === 'ssh') return { name, host, active, answers: null };
        return { name, host, active, ...(await probeEngine(endpoint.kind === 'tcp' && tls ? { ...endpoint, tls } : endpoint)) };
      }),
    );
  }

  async add(name: string, host: string): Promise<EngineList> {
    parseDockerHost(host); // a bad address is refused here, with the forms that work
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      const taken = this.view(s).contexts.find((c) => c.name === name);
      if (taken)
        throw new BerthError('CONFLICT', `A context named "${name}" exists already${taken.source === 'docker-cli' && name !== DEFAULT_CONTEXT ? ' in the docker CLI' : ''}.`, {
          hint: 'Pick another name.',
        });
      return { ...s, contexts: [...s.contexts, { name, host }] };
    });
    return this.view(next);
  }

  async remove(name: string): Promise<EngineList> {
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      const ctx = this.view(s).contexts.find((c) => c.name === name);
      if (!ctx) throw new BerthError('NOT_FOUND', `There is no context named "${name}".`);
      if (ctx.source === 'docker-cli' && name !== DEFAULT_CONTEXT)
        throw new BerthError('CONFLICT', `"${name}" is a context of the docker CLI; Berth does not remove it.`, { hint: `Remove it with \`docker context rm ${name}\` if you no longer want it.` });
      if (ctx.builtIn)
        throw new BerthError('CONFLICT', `The "${name}" context is built in and cannot be removed.`, {
          hint: name === DEFAULT_CONTEXT ? 'Change its engine in settings or the environment instead.' : undefined,
        });
      if (ctx.active) throw new BerthError('IN_USE', `"${name}" is in use.`, { hint: 'Switch to another context first.' });
      return { ...s, contexts: s.contexts.filter((c) => c.name !== name) };
    });
    return this.view(next);
  }
}
