/**
 * Contexts: the engines Berth can switch between. "default" is the engine the environment
 * (BERTH_DOCKER_HOST, DOCKER_HOST), Berth's settings or the docker CLI's current context names;
 * "berth-vm" is the Berth VM's forwarded socket, and the engine in use when nothing names another;
 * the user adds more (local sockets, tcp, ssh://). The list and the choice live in the settings
 * file; switching rebuilds every service on the new engine (Core.use) and tells every window.
 */
import { BerthError } from '../../shared/errors';
import { DEFAULT_CONTEXT, VM_CONTEXT, type ContextProbe, type EngineContext } from '../../shared/models';
import { currentDockerContext, dockerContextHost } from '../engine/docker-config';
import { DEFAULT_DOCKER_HOST, parseDockerHost } from '../engine/endpoint';
import { probeEngine } from '../engine/probe';
import type { EventHub } from '../event-hub';
import { paths } from '../paths';
import { CONTEXT_NAME as DOCKER_CLI_BERTH_CONTEXT } from '../vm/docker-context';
import { loadSettings, updateSettings, type Settings } from '../settings';

export { DEFAULT_CONTEXT, VM_CONTEXT };
/** The Berth VM's engine: the socket its daemon forwards (there while the VM runs). */
export const vmDockerHost = (env: NodeJS.ProcessEnv) => `unix://${paths.vmDockerSocket(env)}`;

/**
 * The engine the user named outside Berth's engine picker, and where: BERTH_DOCKER_HOST,
 * DOCKER_HOST, Berth's settings, or the docker CLI's current context (unless that is Berth's own
 * `berth` context, which is the VM). Undefined when nothing names one: then the VM is the engine.
 */
export function namedEngine(settings: Settings, env: NodeJS.ProcessEnv, home?: string, cli = dockerCliEngine(env, home)): NamedEngine | undefined {
  if (env.BERTH_DOCKER_HOST) return { host: env.BERTH_DOCKER_HOST, by: 'BERTH_DOCKER_HOST' };
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, by: 'DOCKER_HOST' };
  if (settings.engine.host) return { host: settings.engine.host, by: "Berth's settings" };
  return cli;
}

type NamedEngine = { host: string; by: string };

/** The engine the docker CLI's current context names (not Berth's own `berth`), read now. */
export function dockerCliEngine(env: NodeJS.ProcessEnv, home?: string): NamedEngine | undefined {
  const cli = currentDockerContext(env, home);
  const host = cli && cli !== DOCKER_CLI_BERTH_CONTEXT ? dockerContextHost(cli, env, home) : undefined;
  return host ? { host, by: `the docker CLI's context "${cli}"` } : undefined;
}

/** The context in use: the one picked in Berth, else "default" when something names an engine, else the VM. */
export function activeContextName(settings: Settings, env: NodeJS.ProcessEnv, home?: string): string {
  return contextInUse(settings, namedEngine(settings, env, home));
}

function contextInUse(settings: Settings, named: NamedEngine | undefined): string {
  const picked = settings.activeContext;
  if (picked && (picked === DEFAULT_CONTEXT || picked === VM_CONTEXT || settings.contexts.some((c) => c.name === picked))) return picked;
  return named ? DEFAULT_CONTEXT : VM_CONTEXT;
}

/** The address of the context in use, from settings and environment. */
export function activeDockerHost(settings: Settings, env: NodeJS.ProcessEnv, home?: string): string {
  const name = activeContextName(settings, env, home);
  if (name === VM_CONTEXT) return vmDockerHost(env);
  if (name === DEFAULT_CONTEXT) return namedEngine(settings, env, home)?.host ?? DEFAULT_DOCKER_HOST;
  return settings.contexts.find((c) => c.name === name)!.host;
}

export class ContextsService {
  /**
   * The docker CLI's choice as it was when Berth started: the engine in use was picked from it
   * then, so a later `docker context use` in a shell does not make the list disagree with it.
   */
  private readonly cliAtLaunch: NamedEngine | undefined;

  constructor(
    private readonly opts: {
      settingsFile: string;
      env: NodeJS.ProcessEnv;
      /** Switches the core to the engine at this address. */
      use: (dockerHost: string) => void;
      hub: EventHub;
    },
  ) {
    this.cliAtLaunch = dockerCliEngine(opts.env);
  }

  private async settings(): Promise<Settings> {
    return (await loadSettings(this.opts.settingsFile)).settings;
  }

  private view(s: Settings): EngineContext[] {
    const named = namedEngine(s, this.opts.env, undefined, this.cliAtLaunch);
    const active = contextInUse(s, named);
    return [
      { name: DEFAULT_CONTEXT, host: named?.host ?? DEFAULT_DOCKER_HOST, active: active === DEFAULT_CONTEXT, builtIn: true },
      { name: VM_CONTEXT, host: vmDockerHost(this.opts.env), active: active === VM_CONTEXT, builtIn: true },
      ...s.contexts.map((c) => ({ ...c, active: c.name === active, builtIn: false })),
    ];
  }

  async list(): Promise<EngineContext[]> {
    return this.view(await this.settings());
  }

  async use(name: string): Promise<void> {
    const s = await this.settings();
    const ctx = this.view(s).find((c) => c.name === name);
    if (!ctx) throw new BerthError('NOT_FOUND', `There is no context named "${name}".`);
    this.opts.use(ctx.host);
    await updateSettings(this.opts.settingsFile, (cur) => ({ ...cur, activeContext: name }));
    this.opts.hub.emit('contexts:changed', { active: name });
  }

  /** Pings every context's engine at once; ssh:// ones are not checked (a probe would open a tunnel). */
  async probe(): Promise<ContextProbe[]> {
    return Promise.all(
      (await this.list()).map(async ({ name, host, active }): Promise<ContextProbe> => {
        let endpoint;
        try {
          endpoint = parseDockerHost(host);
        } catch (e) {
          return { name, host, active, answers: false, reason: (e as Error).message };
        }
        if (endpoint.kind === 'ssh') return { name, host, active, answers: null };
        return { name, host, active, ...(await probeEngine(endpoint)) };
      }),
    );
  }

  async add(name: string, host: string): Promise<EngineContext[]> {
    parseDockerHost(host); // a bad address is refused here, with the forms that work
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      if (name === DEFAULT_CONTEXT || name === VM_CONTEXT || s.contexts.some((c) => c.name === name))
        throw new BerthError('CONFLICT', `A context named "${name}" exists already.`, { hint: 'Pick another name.' });
      return { ...s, contexts: [...s.contexts, { name, host }] };
    });
    return this.view(next);
  }

  async remove(name: string): Promise<EngineContext[]> {
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      const ctx = this.view(s).find((c) => c.name === name);
      if (!ctx) throw new BerthError('NOT_FOUND', `There is no context named "${name}".`);
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
