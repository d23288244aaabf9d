/**
 * Contexts: the engines Berth can switch between. "default" is the engine from the environment
 * (BERTH_DOCKER_HOST, DOCKER_HOST) or settings; "berth-vm" is the Berth VM's forwarded socket; the
 * user adds more (local sockets, tcp, ssh://). The list and the choice live in the settings file;
 * switching rebuilds every service on the new engine (Core.use) and tells every window.
 */
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';
import type { EngineContext } from '../../shared/models';
import { parseDockerHost, resolveDockerHost } from '../engine/endpoint';
import type { EventHub } from '../event-hub';
import { paths } from '../paths';
import { loadSettings, updateSettings, type Settings } from './settings';

export const DEFAULT_CONTEXT = 'default';
/** The Berth VM's engine: the socket its daemon forwards (there while the VM runs). */
export const VM_CONTEXT = 'berth-vm';
export const vmDockerHost = (env: NodeJS.ProcessEnv) => `unix://${join(paths.run(env), 'docker.sock')}`;

/** The address of the context in use, from settings and environment. */
export function activeDockerHost(settings: Settings, env: NodeJS.ProcessEnv): string {
  if (settings.activeContext === VM_CONTEXT) return vmDockerHost(env);
  const chosen = settings.contexts.find((c) => c.name === settings.activeContext);
  return chosen?.host ?? resolveDockerHost(env, settings.engine.host);
}

export class ContextsService {
  constructor(
    private readonly opts: {
      settingsFile: string;
      env: NodeJS.ProcessEnv;
      /** Switches the core to the engine at this address. */
      use: (dockerHost: string) => void;
      hub: EventHub;
    },
  ) {}

  private async settings(): Promise<Settings> {
    return (await loadSettings(this.opts.settingsFile)).settings;
  }

  private view(s: Settings): EngineContext[] {
    const active = s.activeContext === VM_CONTEXT || s.contexts.some((c) => c.name === s.activeContext) ? s.activeContext : DEFAULT_CONTEXT;
    return [
      { name: DEFAULT_CONTEXT, host: resolveDockerHost(this.opts.env, s.engine.host), active: active === DEFAULT_CONTEXT, builtIn: true },
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
    await updateSettings(this.opts.settingsFile, (cur) => ({ ...cur, activeContext: name === DEFAULT_CONTEXT ? undefined : name }));
    this.opts.hub.emit('contexts:changed', { active: name });
  }

  async add(name: string, host: string): Promise<EngineContext[]> {
    parseDockerHost(host); // a bad address is refused here, with the forms that work
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      if (name === DEFAULT_CONTEXT || name === VM_CONTEXT || s.contexts.some((c) => c.name === name)) throw new BerthError('CONFLICT', `A context named "${name}" exists already.`, { hint: 'Pick another name.' });
      return { ...s, contexts: [...s.contexts, { name, host }] };
    });
    return this.view(next);
  }

  async remove(name: string): Promise<EngineContext[]> {
    const next = await updateSettings(this.opts.settingsFile, (s) => {
      const ctx = this.view(s).find((c) => c.name === name);
      if (!ctx) throw new BerthError('NOT_FOUND', `There is no context named "${name}".`);
      if (ctx.builtIn) throw new BerthError('CONFLICT', `The "${name}" context is built in and cannot be removed.`, { hint: name === DEFAULT_CONTEXT ? 'Change its engine in settings or the environment instead.' : undefined });
      if (ctx.active) throw new BerthError('IN_USE', `"${name}" is in use.`, { hint: 'Switch to another context first.' });
      return { ...s, contexts: s.contexts.filter((c) => c.name !== name) };
    });
    return this.view(next);
  }
}
