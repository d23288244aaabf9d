/**
 * Swarm stacks through the docker CLI's own `docker stack deploy` / `docker stack rm`, pointed at
 * the engine Berth uses (DOCKER_HOST, its TLS files; an ssh:// engine through Berth's tunnel): no
 * orchestration of Berth's own. A stack is what carries the com.docker.stack.namespace label.
 *
 * Before anything is made the files are checked with `docker stack config` (its error said with
 * the file and line), and the engine must be a swarm manager. `stack deploy` makes networks,
 * secrets and configs first, then the services one by one, and stops at the first error (a
 * missing external secret, a name too long), leaving what it made: Berth then removes what this
 * deploy made (by comparing with what the stack had before), so a failed deploy of a new stack
 * leaves nothing. After a deploy the services' progress is followed until their tasks run (a
 * rolling update included). A removal waits until the stack's services, tasks, networks, secrets
 * and configs are gone, removing what the CLI could not (a network still in use a moment before).
 */
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { EngineTls, ServiceSummary, StackDetail, StackSummary } from '../../shared/models';
import { engineCliEnv } from '../engine/tls';
import { toBerthError } from '../engine/engine-errors';
import type { StreamSink } from '../stream-sink';
import { runCompose, streamCompose } from './compose-cli';
import { COMPOSE_FILES } from './compose';
import { SwarmServicesService, toServiceSummary } from './swarm-services';

const NS = 'com.docker.stack.namespace';

export interface StacksOptions {
  /** DOCKER_HOST for the CLI: the engine Berth is connected to. */
  dockerHost: string;
  tls?: EngineTls;
  env?: NodeJS.ProcessEnv;
  /** The docker CLI to run (default: BERTH_DOCKER_CLI, else `docker` on PATH). */
  cli?: string[];
  /** How long a deploy follows its services until they run, and a removal waits (ms). */
  settleMs?: number;
}

/** What a stack has on the swarm, by id (services with the version and update they were at). */
interface Objects {
  /** Each with its spec (as JSON: a redeploy bumps the version of a service it leaves as it was) and the update it was at. */
  services: Map<string, { name: string; spec: string; updateStarted: string }>;
  networks: Map<string, string>;
  secrets: Map<string, string>;
  configs: Map<string, string>;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const sizeOf = (o: Objects) => o.services.size + o.networks.size + o.secrets.size + o.configs.size;
const describe = (o: { services: number; networks: number; secrets: number; configs: number; tasks?: number; containers?: number }) =>
  [
    o.services && count(o.services, 'service'),
    o.tasks && count(o.tasks, 'task'),
    o.containers && count(o.containers, 'container'),
    o.networks && count(o.networks, 'network'),
    o.secrets && count(o.secrets, 'secret'),
    o.configs && count(o.configs, 'config'),
  ]
    .filter(Boolean)
    .join(', ');

/** The CLI's lines that are not the reason of a failure: its progress and its notices. */
const CHATTER = [
  /^(Creating|Updating|Removing) (network|secret|config|service) /,
  /--detach=false/,
  /^In a future release/,
  /could not be accessed on a registry to record$/,
  /^its digest\. Each node will access/,
  /^possibly leading to different nodes running different$/,
  /^versions of the image\.$/,
];
const chatter = (line: string) => !line.trim() || CHATTER.some((re) => re.test(line));
/** The notice every deploy and rm of a CLI 26+ prints, which says nothing here: Berth follows the services itself. */
const NOTICE = [/--detach=false/, /^In a future release, --detach=false/];

/** The line of `key:` in a YAML text, when it is there exactly once. */
export function lineOfKey(text: string, key: string): number | undefined {
  const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(-\\s+)?["']?${esc}["']?\\s*:`);
  const hits = text.split('\n').flatMap((l, i) => (re.test(l) ? [i + 1] : []));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Where a `docker stack config` error is, in words: "yaml: line 4: did not find expected key" as
 * "line 4: did not find expected key"; a schema error ("services.web Additional property colour is
 * not allowed") with the line of the key it names, where the file has it once.
 */
export function placeError(reason: string, text: string): { line?: number; words: string } {
  const yaml = /^yaml: line (\d+): (.*)$/.exec(reason);
  if (yaml) return { line: Number(yaml[1]), words: yaml[2]! };
  const bool = /^non-string key in (\S+): (true|false)$/.exec(reason);
  if (bool) return { words: `${reason} (the CLI's YAML reads a bare y, n, yes, no, on or off as ${bool[2]}: put the name under ${bool[1]} in quotes)` };
  const extra = /Additional property (\S+) is not allowed/.exec(reason);
  const path = /^(\S+\.\S+) /.exec(reason);
  const key = extra?.[1] ?? path?.[1]?.split('.').pop();
  const line = key ? lineOfKey(text, key) : undefined;
  return { ...(line ? { line } : {}), words: reason };
}

/** The CLI's reason for a failed deploy in words, with what to do where Berth can tell. */
export function deployReason(reason: string): { words: string; hint?: string } {
  const secret = /secret not found: (\S+)/.exec(reason);
  if (secret)
    return {
      words: `the file uses the external secret "${secret[1]}", and the swarm has no secret of that name`,
      hint: `Make the secret ${secret[1]} first (Swarm → Secrets), or give it a file: in the stack file.`,
    };
  const config = /config not found: (\S+)/.exec(reason);
  if (config)
    return {
      words: `the file uses the external config "${config[1]}", and the swarm has no config of that name`,
      hint: `Make the config ${config[1]} first, or give it a file: in the stack file.`,
    };
  const network = /network "?([^"\s]+)"? is declared as external, but (could not be found|it is not in the right scope)/.exec(reason);
  if (network)
    return {
      words: `the file uses the external network "${network[1]}", and the swarm has no overlay network of that name`,
      hint: `Make an overlay network ${network[1]} first (Swarm → Networks), or declare it in the stack file.`,
    };
  if (/name must be 63 characters or fewer/.test(reason)) return { words: `${reason} (a service is named <stack>_<service>)`, hint: 'Use a shorter stack or service name.' };
  return { words: reason };
}

function expandHome(raw: string): string {
  return raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw;
}

function stackError(e: unknown, doing: string): BerthError {
  if (e instanceof BerthError) return e;
  const err = toBerthError(e);
  if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') return err;
  if (/docker swarm init|not part of a swarm/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first (Swarm).' });
  if (/not a swarm manager/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not a swarm manager.`, { hint: 'Switch Berth to a manager of the swarm.' });
  return new BerthError(err.code, `${doing}: ${err.message}`, err.hint ? { hint: err.hint } : {});
}

/** Waits `ms`, or less when `signal` aborts (its listener gone either way). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class SwarmStacksService {
  private readonly env: NodeJS.ProcessEnv;
  private readonly candidates: string[][];
  private found?: Promise<string[] | undefined>;
  /** Stacks with a deploy or removal running, and which. */
  private readonly busy = new Map<string, string>();
  private readonly services: SwarmServicesService;
  private readonly settleMs: number;

  constructor(
    private readonly docker: Dockerode,
    opts: StacksOptions,
  ) {
    const env = opts.env ?? process.env;
    // The engine is DOCKER_HOST's alone: a context named in Berth's own environment must not choose another.
    const { DOCKER_CONTEXT: _c, ...own } = env;
    this.env = engineCliEnv(own, opts.dockerHost, opts.tls);
    this.candidates = opts.cli ? [opts.cli] : [...(env.BERTH_DOCKER_CLI ? [[env.BERTH_DOCKER_CLI]] : []), ['docker']];
    this.services = new SwarmServicesService(docker);
    this.settleMs = opts.settleMs ?? 180_000;
  }

  /** The first docker CLI that has `stack config` (20.10's has not), looked up once. */
  private async command(): Promise<string[]> {
    this.found ??= (async () => {
      for (const cmd of this.candidates) {
        const r = await runCompose(cmd, ['stack', 'config', '--help'], { env: this.env });
        if (r.code === 0 && /--compose-file/.test(r.stdout)) return cmd;
      }
      return undefined;
    })();
    const cmd = await this.found;
    if (!cmd) {
      this.found = undefined; // looked for again next time: it may be installed meanwhile
      throw new BerthError('UNAVAILABLE', `No docker CLI with \`docker stack config\` found (tried ${this.candidates.map((c) => `\`${c.join(' ')}\``).join(', ')}).`, {
        hint: 'Install a docker CLI 23 or newer, or set BERTH_DOCKER_CLI to its path.',
      });
    }
    return cmd;
  }

  /** Refused in words unless the engine in use is a manager of a swarm. */
  private async manager(doing: string): Promise<void> {
    const info = (await this.docker.info().catch((e: unknown) => Promise.reject(stackError(e, doing)))) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    if (info.Swarm?.LocalNodeState !== 'active')
      throw new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first (Swarm), or switch Berth to a manager of one.' });
    if (!info.Swarm.ControlAvailable)
      throw new BerthError('CONFLICT', `${doing}: this engine is a worker of its swarm, not a manager; stacks are deployed from a manager.`, {
        hint: 'Switch Berth to a manager of the swarm, or promote this node from one.',
      });
  }

  /** The files (a folder stands for its compose file), checked to be there. */
  private async resolveFiles(raw: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const r of raw) {
      const path = expandHome(r);
      const st = await stat(path).catch(() => undefined);
      if (!st) throw new BerthError('NOT_FOUND', `There is no file or folder ${path} on this machine.`);
      if (st.isFile()) {
        out.push(path);
        continue;
      }
      let found: string | undefined;
      for (const name of COMPOSE_FILES) if (!found && (await stat(join(path, name)).catch(() => undefined))?.isFile()) found = join(path, name);
      if (!found) throw new BerthError('NOT_FOUND', `${path} has no ${COMPOSE_FILES.join(', ')}.`);
      out.push(found);
    }
    return out;
  }

  /** `docker stack config` of the files: its error with the file and line it is at. */
  private async check(cmd: string[], files: string[], cwd: string): Promise<void> {
    const fileArgs = (fs: string[]) => fs.flatMap((f) => ['--compose-file', f]);
    const r = await runCompose(cmd, ['stack', 'config', ...fileArgs(files)], { env: this.env, cwd });
    if (r.code === 0) return;
    const reason =
      r.spawnError ??
      (r.errors
        .filter((l) => !chatter(l))
        .slice(-3)
        .join(' ') ||
        `exit code ${r.code}`);
    // With several files the CLI does not say which one: each is loaded alone to find it.
    let file = files[0]!;
    if (files.length > 1) {
      for (const f of files) {
        const alone = await runCompose(cmd, ['stack', 'config', '--skip-interpolation', ...fileArgs([f])], { env: this.env, cwd });
        if (alone.code !== 0 && alone.errors.join(' ').includes(reason.split(': ').pop() ?? reason)) {
          file = f;
          break;
        }
      }
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    const at = placeError(reason, text);
    throw new BerthError('INVALID_ARGUMENT', `The stack file ${file}${at.line ? `, line ${at.line}` : ''}, does not load: ${at.words}`, {
      hint: 'Fix the file there and deploy again; nothing was deployed.',
    });
  }

  private async exclusive<T>(name: string, verb: string, fn: () => Promise<T>): Promise<T> {
    const now = this.busy.get(name);
    if (now) throw new BerthError('CONFLICT', `A ${now} of the stack ${name} is running; wait for it to end or cancel it.`, { hint: 'One deploy or removal of a stack at a time.' });
    this.busy.set(name, verb);
    try {
      return await fn();
    } finally {
      this.busy.delete(name);
    }
  }

  /** What carries the stack's label now. */
  private async objects(name: string): Promise<Objects> {
    const filters = { label: [`${NS}=${name}`] };
    const [services, networks, secrets, configs] = await Promise.all([
      this.docker.listServices({ filters }) as Promise<unknown> as Promise<{ ID: string; Spec?: { Name?: string }; UpdateStatus?: { StartedAt?: string } }[]>,
      this.docker.listNetworks({ filters }) as Promise<{ Id: string; Name: string; Scope?: string }[]>,
      this.docker.listSecrets({ filters }) as Promise<unknown> as Promise<{ ID: string; Spec?: { Name?: string } }[]>,
      this.docker.listConfigs({ filters }) as Promise<unknown> as Promise<{ ID: string; Spec?: { Name?: string } }[]>,
    ]);
    return {
      services: new Map(services.map((s) => [s.ID, { name: s.Spec?.Name ?? s.ID, spec: JSON.stringify(s.Spec ?? {}), updateStarted: s.UpdateStatus?.StartedAt ?? '' }])),
      networks: new Map(networks.filter((n) => n.Scope === 'swarm').map((n) => [n.Id, n.Name])),
      secrets: new Map(secrets.map((s) => [s.ID, s.Spec?.Name ?? s.ID])),
      configs: new Map(configs.map((c) => [c.ID, c.Spec?.Name ?? c.ID])),
    };
  }

  /** Tasks (on any node) of these services that are still there. */
  private async tasksOf(serviceIds: Set<string>): Promise<number> {
    if (!serviceIds.size) return 0;
    const tasks = (await this.docker.listTasks()) as unknown as { ServiceID?: string }[];
    return tasks.filter((t) => t.ServiceID && serviceIds.has(t.ServiceID)).length;
  }

  /** Removes what is in `now` and not in `before`, services first (their tasks gone), then the rest; says what was left. */
  private async takeBack(before: Objects, now: Objects, signal?: AbortSignal): Promise<{ removed: string; left: string[] }> {
    const made = <T>(m: Map<string, T>, b: Map<string, unknown>) => [...m.keys()].filter((id) => !b.has(id));
    const services = made(now.services, before.services);
    const networks = made(now.networks, before.networks);
    const secrets = made(now.secrets, before.secrets);
    const configs = made(now.configs, before.configs);
    const left: string[] = [];
    for (const id of services)
      await this.docker
        .getService(id)
        .remove()
        .catch(() => left.push(now.services.get(id)!.name));
    const deadline = Date.now() + 60_000;
    while ((await this.tasksOf(new Set(services)).catch(() => 0)) > 0 && Date.now() < deadline && !signal?.aborted) await sleep(250);
    for (const id of secrets)
      await this.docker
        .getSecret(id)
        .remove()
        .catch(() => left.push(now.secrets.get(id)!));
    for (const id of configs)
      await this.docker
        .getConfig(id)
        .remove()
        .catch(() => left.push(now.configs.get(id)!));
    for (const id of networks) {
      // An overlay network is in use until its last task's container has let go of it.
      for (;;) {
        const gone = await this.docker
          .getNetwork(id)
          .remove()
          .then(() => true)
          .catch((e: { statusCode?: number }) => e.statusCode === 404);
        if (gone) break;
        if (Date.now() > deadline) {
          left.push(now.networks.get(id)!);
          break;
        }
        await sleep(250);
      }
    }
    return { removed: describe({ services: services.length, networks: networks.length, secrets: secrets.length, configs: configs.length }), left };
  }

  async list(): Promise<StackSummary[]> {
    const doing = 'The stacks could not be listed';
    try {
      const filters = { label: [NS] };
      const [services, tasks, nodes, networks, secrets, configs] = await Promise.all([
        this.docker.listServices({ filters }),
        this.docker.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }),
        this.docker.listNodes(),
        this.docker.listNetworks({ filters }),
        this.docker.listSecrets({ filters }),
        this.docker.listConfigs({ filters }),
      ]);
      const eligible = (nodes as { Spec?: { Availability?: string }; Status?: { State?: string } }[]).filter((n) => n.Spec?.Availability === 'active' && n.Status?.State === 'ready').length;
      const stacks = new Map<string, StackSummary>();
      const of = (name: string) => stacks.get(name) ?? stacks.set(name, { name, services: 0, running: 0, desired: 0, updating: false }).get(name)!;
      for (const raw of services as unknown as Parameters<typeof toServiceSummary>[0][]) {
        const s = toServiceSummary(raw, tasks as Parameters<typeof toServiceSummary>[1], eligible);
        if (!s.stack) continue;
        const st = of(s.stack);
        st.services++;
        st.running += s.running;
        st.desired += s.desired;
        if (/^(updating|rollback_started)$/.test(s.update?.state ?? '')) st.updating = true;
      }
      // A stack may have only networks, secrets or configs left (a deploy with no services).
      for (const o of [
        ...(networks as { Labels?: Record<string, string> }[]),
        ...(secrets as { Spec?: { Labels?: Record<string, string> } }[]),
        ...(configs as { Spec?: { Labels?: Record<string, string> } }[]),
      ]) {
        const labels = ('Labels' in o ? o.Labels : (o as { Spec?: { Labels?: Record<string, string> } }).Spec?.Labels) ?? {};
        if (labels[NS]) of(labels[NS]);
      }
      return [...stacks.values()].sort((a, b) => a.name.localeCompare(b.name));
    } catch (e) {
      throw stackError(e, doing);
    }
  }

  async get(name: string): Promise<StackDetail> {
    const doing = `The stack ${name} could not be read`;
    try {
      const [all, objects] = await Promise.all([this.services.list(), this.objects(name)]);
      const mine = all.filter((s) => s.stack === name);
      if (!mine.length && !sizeOf(objects)) throw new BerthError('NOT_FOUND', `There is no stack ${name} on this swarm.`);
      const services = await Promise.all(mine.map(async (s) => ({ ...s, tasks: await this.services.tasks(s.id) })));
      const names = (m: Map<string, string>) => [...m.values()].sort();
      return { name, services, networks: names(objects.networks), secrets: names(objects.secrets), configs: names(objects.configs) };
    } catch (e) {
      throw stackError(e, doing);
    }
  }

  /** `docker stack deploy` of the files as `name`, streaming the CLI's lines and then the services' progress. */
  async deploy(args: { name: string; files: string[]; prune: boolean }, sink: StreamSink<string>): Promise<void> {
    const { name } = args;
    const doing = `The stack ${name} could not be deployed`;
    const cmd = await this.command();
    const files = await this.resolveFiles(args.files);
    await this.manager(doing);
    const cwd = dirname(files[0]!);
    await this.check(cmd, files, cwd);
    await this.exclusive(name, 'deploy', async () => {
      if (sink.signal.aborted) return;
      const before = await this.objects(name).catch((e: unknown) => Promise.reject(stackError(e, doing)));
      const fresh = sizeOf(before) === 0;
      await sink.write(fresh ? `Deploying the new stack ${name} from ${files.join(', ')}` : `Updating the stack ${name} from ${files.join(', ')}`);
      const quiet: StreamSink<string> = { ...sink, write: (l) => (NOTICE.some((re) => re.test(l)) ? Promise.resolve() : sink.write(l)) };
      const run = await streamCompose(cmd, ['stack', 'deploy', ...files.flatMap((f) => ['--compose-file', f]), ...(args.prune ? ['--prune'] : []), name], quiet, { env: this.env, cwd });
      if (run.failure || sink.signal.aborted) {
        const now = await this.objects(name).catch(() => before);
        const back = await this.takeBack(before, now);
        if (sink.signal.aborted) return;
        const said = run.lines.filter((l) => !chatter(l)).pop() ?? run.failure!;
        const why = deployReason(said);
        const updated = [...now.services].filter(([id, s]) => before.services.has(id) && before.services.get(id)!.spec !== s.spec).map(([, s]) => s.name);
        const undone = back.left.length
          ? ` Berth could not remove ${back.left.join(', ')}: remove ${back.left.length === 1 ? 'it' : 'them'} by hand.`
          : back.removed
            ? ` Berth removed what the deploy had made (${back.removed})${fresh ? ': nothing of the stack is left' : ''}.`
            : fresh
              ? ' Nothing of the stack was made.'
              : ' The deploy made nothing new.';
        const kept = updated.length ? ` The services ${updated.join(', ')} were updated before it stopped and keep their new spec (roll them back under Services).` : '';
        throw new BerthError('COMMAND_FAILED', `docker stack deploy of ${name} failed: ${why.words}.${undone}${kept}`, { hint: why.hint ?? 'Fix the stack file and deploy again.' });
      }
      await this.follow(name, before, sink);
    });
  }

  /** Follows the stack's services until each runs what it wants (a rolling update done); a paused or rolled back update is said as a failure. */
  private async follow(name: string, before: Objects, sink: StreamSink<string>): Promise<void> {
    const deadline = Date.now() + this.settleMs;
    const started = Date.now();
    let last = '';
    for (;;) {
      if (sink.signal.aborted) return;
      const raw = (await this.docker.listServices({ filters: { label: [`${NS}=${name}`] } })) as unknown as {
        ID: string;
        Spec?: unknown;
        UpdateStatus?: { StartedAt?: string; State?: string; Message?: string };
      }[];
      const all = (await this.services.list()).filter((s) => s.stack === name);
      // A service this deploy changed: its update counts once the engine has started one (a few seconds at most).
      const pending = raw.filter((r) => {
        const was = before.services.get(r.ID);
        if (!was || was.spec === JSON.stringify(r.Spec ?? {})) return false;
        return (r.UpdateStatus?.StartedAt ?? '') === was.updateStarted && Date.now() - started < 3000;
      });
      const failed = raw.find((r) => {
        const was = before.services.get(r.ID);
        return was && (r.UpdateStatus?.StartedAt ?? '') !== was.updateStarted && /^(paused|rollback_completed|rollback_paused)$/.test(r.UpdateStatus?.State ?? '');
      });
      if (failed) {
        const s = all.find((x) => x.id === failed.ID);
        throw new BerthError(
          'COMMAND_FAILED',
          `The rolling update of ${s?.name ?? failed.ID} did not complete (${failed.UpdateStatus!.State!.replace(/_/g, ' ')}): ${failed.UpdateStatus?.Message ?? 'no reason given'}.`,
          {
            hint: "See its tasks' errors under the stack; fix the file and deploy again.",
          },
        );
      }
      const line = all.map((s) => `${s.name} ${s.running}/${s.desired}${s.update && /^(updating|rollback_started)$/.test(s.update.state) ? ` (${s.update.state.replace(/_/g, ' ')})` : ''}`).join(', ');
      if (line !== last) await sink.write(`Tasks running: ${line || 'no services'}`);
      last = line;
      const settled = (s: ServiceSummary) => s.running === s.desired && !/^(updating|rollback_started)$/.test(s.update?.state ?? '');
      if (!pending.length && all.every(settled)) {
        await sink.write(`The stack ${name} is deployed: ${count(all.length, 'service')}, every task running.`);
        return;
      }
      if (Date.now() > deadline) {
        const behind = all.filter((s) => !settled(s));
        const why = await Promise.all(behind.map(async (s) => (await this.services.tasks(s.id)).find((t) => t.error)?.error).map((p) => p.catch(() => undefined)));
        const words = behind.map((s, i) => `${s.name} runs ${s.running} of ${s.desired}${why[i] ? ` (${why[i]})` : ''}`).join('; ');
        throw new BerthError('COMMAND_FAILED', `The stack ${name} is deployed, but not all of it runs after ${Math.round(this.settleMs / 1000)} s: ${words}.`, {
          hint: "The managers go on trying; see the tasks' errors under the stack.",
        });
      }
      await sleep(500, sink.signal);
    }
  }

  /** `docker stack rm`, then waits until nothing of the stack is left on the swarm (removing what the CLI could not). */
  async remove(name: string, sink: StreamSink<string>): Promise<void> {
    const doing = `The stack ${name} could not be removed`;
    const cmd = await this.command();
    await this.manager(doing);
    await this.exclusive(name, 'removal', async () => {
      const before = await this.objects(name).catch((e: unknown) => Promise.reject(stackError(e, doing)));
      if (!sizeOf(before)) throw new BerthError('NOT_FOUND', `There is no stack ${name} on this swarm.`);
      if (sink.signal.aborted) return;
      const quiet: StreamSink<string> = { ...sink, write: (l) => (NOTICE.some((re) => re.test(l)) ? Promise.resolve() : sink.write(l)) };
      await streamCompose(cmd, ['stack', 'rm', name], quiet, { env: this.env });
      // Whatever the CLI said (a network still in use a moment before), Berth finishes the job.
      const services = new Set(before.services.keys());
      const deadline = Date.now() + this.settleMs;
      let last = '';
      for (;;) {
        if (sink.signal.aborted) return;
        const now = await this.objects(name);
        const tasks = await this.tasksOf(services);
        // This engine's own containers of the stack too (the other nodes' go with their tasks).
        const containers = (await this.docker.listContainers({ all: true, filters: { label: [`${NS}=${name}`] } })).length;
        const left = describe({ services: now.services.size, tasks, containers, networks: now.networks.size, secrets: now.secrets.size, configs: now.configs.size });
        if (!left) break;
        if (left !== last) await sink.write(`Waiting for ${left} to go`);
        last = left;
        if (!now.services.size && !tasks) await this.takeBack({ services: new Map(), networks: new Map(), secrets: new Map(), configs: new Map() }, now, sink.signal);
        if (Date.now() > deadline)
          throw new BerthError('COMMAND_FAILED', `The stack ${name} is not all gone after ${Math.round(this.settleMs / 1000)} s: ${left} left.`, { hint: 'Remove again to finish.' });
        await sleep(250, sink.signal);
      }
      await sink.write(`The stack ${name} is removed: no services, tasks, containers, networks, secrets or configs of it are left (its volumes stay).`);
    });
  }
}
