import type Dockerode from 'dockerode';
import type { BulkResult, ContainerAction } from '../../shared/api-contract';
import type { ContainerHealth, ContainerState, ContainerSummary, HealthReport, PortMapping } from '../../shared/models';
import type { Readable } from 'node:stream';
import type { LogLine, StatsSample } from '../../shared/models';
import { toStatsSample, type EngineStats } from '../engine/stats';
import type { StreamSink } from '../api/router';
import { LineSplitter, LogDecoder, openLogStream, type LogOptions } from '../engine/log-stream';
import { sendFile, withStream } from './transfer';
import { runSpecOf } from './run-again';
import { parseReference, repository } from '../../shared/image-ref';
import type { RunSpecInput } from '../../shared/run-spec';
import { bulk } from './bulk';
import { shellJoin } from '../../shared/run-spec';

/** How long a list waits for the failing streaks it reads (see list). */
export const STREAK_WAIT_MS = 1000;
/** Probes in a health report at most (the engine keeps five). */
const PROBES_MAX = 10;

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function toContainerSummary(c: Dockerode.ContainerInfo): ContainerSummary {
  const labels = c.Labels ?? {};
  const seen = new Set<string>();
  const ports: PortMapping[] = [];
  for (const p of c.Ports ?? []) {
    // The engine lists a published port once per address family (0.0.0.0 and ::); show it once.
    const key = `${p.PrivatePort}/${p.Type}/${p.PublicPort ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ports.push({ privatePort: p.PrivatePort, publicPort: p.PublicPort || undefined, ip: p.IP || undefined, type: p.Type as PortMapping['type'] });
  }
  ports.sort((a, b) => a.privatePort - b.privatePort);
  const state = (STATES as readonly string[]).includes(c.State) ? (c.State as ContainerState) : 'dead';
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image,
    command: c.Command,
    state,
    status: c.Status,
    created: c.Created * 1000,
    ports,
    labels,
    ...(labels['com.docker.compose.project'] ? { composeProject: labels['com.docker.compose.project'] } : {}),
    ...healthOf(c),
  };
}

/**
 * A listed container's health: newer engines (API 1.52) list it as `Health`; before, only the status
 * text says it: "Up 3 minutes (healthy)", "(unhealthy)", "(health: starting)" (Docker and Podman).
 */
export function healthOf(c: Pick<Dockerode.ContainerInfo, 'Status' | 'State'> & { Health?: { Status?: unknown; FailingStreak?: unknown } }): Pick<ContainerSummary, 'health' | 'failingStreak'> {
  // A stopped container's check is not running: the engine keeps (and API 1.52 lists) its last state.
  if (c.State !== 'running') return { health: 'none' };
  const listed = c.Health && typeof c.Health === 'object' ? c.Health : undefined;
  if (listed && typeof listed.Status === 'string') {
    const health = HEALTH_NAMES[listed.Status] ?? 'none';
    const streak = listed.FailingStreak;
    return health === 'none' ? { health } : { health, ...(typeof streak === 'number' && Number.isSafeInteger(streak) && streak >= 0 ? { failingStreak: streak } : {}) };
  }
  const m = /\((healthy|unhealthy|health: starting)\)\s*$/.exec(typeof c.Status === 'string' ? c.Status : '');
  return { health: m ? HEALTH_NAMES[m[1]!]! : 'none' };
}

/** The engine's defaults for a health check's zero (unset) fields. */
const CHECK_DEFAULTS = { interval: 30_000, timeout: 30_000, retries: 3, startPeriod: 0 };
const NS_PER_MS = 1e6;
/** A probe's output as the engine keeps it is at most 4 KiB; a hostile engine's is cut there too. */
const PROBE_OUTPUT_MAX = 4096;

/** Inspect -> the Health tab's report. Whatever the engine sends, it never throws. */
export function toHealthReport(raw: unknown): HealthReport {
  const r = (raw && typeof raw === 'object' ? raw : {}) as { State?: { Health?: unknown; Running?: unknown }; Config?: { Healthcheck?: unknown } };
  const h = (r.State?.Health && typeof r.State.Health === 'object' ? r.State.Health : {}) as { Status?: unknown; FailingStreak?: unknown; Log?: unknown };
  const c = (r.Config?.Healthcheck && typeof r.Config.Healthcheck === 'object' ? r.Config.Healthcheck : {}) as Record<string, unknown>;
  const test = Array.isArray(c['Test']) && c['Test'].every((t) => typeof t === 'string') ? (c['Test'] as string[]) : [];
  const ms = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v / NS_PER_MS) : dflt);
  const check =
    test.length > 1 && (test[0] === 'CMD' || test[0] === 'CMD-SHELL')
      ? {
          command: test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : shellJoin(test.slice(1)),
          interval: ms(c['Interval'], CHECK_DEFAULTS.interval),
          timeout: ms(c['Timeout'], CHECK_DEFAULTS.timeout),
          retries: typeof c['Retries'] === 'number' && Number.isSafeInteger(c['Retries']) && c['Retries'] > 0 ? c['Retries'] : CHECK_DEFAULTS.retries,
          startPeriod: ms(c['StartPeriod'], CHECK_DEFAULTS.startPeriod),
        }
      : undefined;
  const time = (v: unknown) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? Date.parse(v) : 0);
  const probes = (Array.isArray(h.Log) ? h.Log : [])
    .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object')
    .map((p) => ({
      start: time(p['Start']),
      end: time(p['End']),
      exitCode: typeof p['ExitCode'] === 'number' ? p['ExitCode'] : -1,
      output: typeof p['Output'] === 'string' ? p['Output'].slice(0, PROBE_OUTPUT_MAX) : '',
    }))
    .slice(-PROBES_MAX)
    .reverse();
  const running = r.State?.Running === true;
  const status = check && running && typeof h.Status === 'string' ? (HEALTH_NAMES[h.Status] ?? 'none') : 'none';
  const streak = h.FailingStreak;
  return { status, failingStreak: typeof streak === 'number' && Number.isSafeInteger(streak) && streak >= 0 ? streak : 0, ...(check ? { check } : {}), probes };
}

const HEALTH_NAMES: Record<string, ContainerHealth> = Object.assign(Object.create(null) as Record<string, ContainerHealth>, {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  starting: 'starting',
  'health: starting': 'starting',
});

const ACTIONS: Record<ContainerAction, (c: Dockerode.Container) => Promise<unknown>> = {
  start: (c) => c.start(),
  stop: (c) => c.stop(),
  restart: (c) => c.restart(),
  pause: (c) => c.pause(),
  unpause: (c) => c.unpause(),
  kill: (c) => c.kill(),
};

/** Docker answers 304 when the container is already in the asked-for state: that is success. */
function ignoreNotModified(e: unknown): void {
  if ((e as { statusCode?: number }).statusCode !== 304) throw e;
}

export class ContainersService {
  constructor(private readonly docker: Dockerode) {}

  async list(): Promise<ContainerSummary[]> {
    const list = (await this.docker.listContainers({ all: true })).map(toContainerSummary);
    // The failing streak is not listed before API 1.52: read it for the unhealthy and starting ones
    // (a healthy one's is shown on its Health tab), waiting STREAK_WAIT_MS at most: a busy engine's
    // slow inspect leaves that row without its streak, not the whole list waiting.
    const byId = new Map(list.filter((c) => (c.health === 'unhealthy' || c.health === 'starting') && c.failingStreak === undefined).map((c) => [c.id, c]));
    if (!byId.size) return list;
    let late = false;
    const read = bulk([...byId.keys()], async (id) => {
      const streak = ((await this.docker.getContainer(id).inspect()) as { State?: { Health?: { FailingStreak?: unknown } } }).State?.Health?.FailingStreak;
      if (!late && typeof streak === 'number' && Number.isSafeInteger(streak) && streak >= 0) byId.get(id)!.failingStreak = streak;
    }); // one gone meanwhile keeps no streak
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([read, new Promise((r) => (timer = setTimeout(r, STREAK_WAIT_MS)))]);
    clearTimeout(timer);
    late = true;
    return list;
  }

  inspect(id: string): Promise<unknown> {
    return this.docker.getContainer(id).inspect();
  }

  /** The run spec that makes a container like this one ("run again", "copy as docker run"). */
  async runSpec(id: string): Promise<RunSpecInput> {
    const c = await this.docker.getContainer(id).inspect();
    const image = await this.docker
      .getImage(c.Image)
      .inspect()
      .catch(() => ({})); // the image is gone: everything the container has is said
    return runSpecOf(c, image);
  }

  async rename(id: string, name: string): Promise<void> {
    await this.docker.getContainer(id).rename({ name });
  }

  /** `docker commit`: a new image from the container, tagged `ref` when given. */
  async commit(id: string, o: { ref?: string; message?: string; author?: string; changes: string[]; pause: boolean }): Promise<{ id: string }> {
    const r = o.ref ? parseReference(o.ref) : undefined;
    const res = (await this.docker.getContainer(id).commit({
      ...(r ? { repo: repository(r), tag: r.tag ?? 'latest' } : {}),
      ...(o.message ? { comment: o.message } : {}),
      ...(o.author ? { author: o.author } : {}),
      ...(o.changes.length ? { changes: o.changes } : {}),
      pause: o.pause,
    })) as { Id?: string };
    return { id: res.Id ?? '' };
  }

  /** `docker export`: the container's filesystem as a tar, streamed. */
  async export(id: string, sink: StreamSink<Uint8Array>): Promise<void> {
    const stream = (await this.docker.getContainer(id).export()) as unknown as Readable;
    await withStream(stream, sink.signal, () => sendFile(stream, sink));
  }

  async health(id: string): Promise<HealthReport> {
    return toHealthReport(await this.docker.getContainer(id).inspect());
  }

  action(ids: string[], action: ContainerAction): Promise<BulkResult[]> {
    return bulk(ids, (id) => ACTIONS[action](this.docker.getContainer(id)).catch(ignoreNotModified));
  }

  /** Streams the log in batches; reading pauses while the consumer is behind (bounded memory). */
  async logs(id: string, opts: LogOptions, sink: StreamSink<LogLine[]>): Promise<void> {
    const { tty, stream } = await openLogStream(this.docker, id, opts);
    await withStream(stream, sink.signal, async () => {
      const decoder = new LogDecoder(tty);
      for await (const data of stream) {
        const lines = decoder.push(data as Buffer);
        if (lines.length) await sink.write(lines);
      }
      const rest = decoder.flush();
      if (rest.length) await sink.write(rest);
    });
  }

  /** Streams the engine's stats (about one a second) as samples until cancelled or the container stops. */
  async stats(id: string, sink: StreamSink<StatsSample>): Promise<void> {
    const stream = (await this.docker.getContainer(id).stats({ stream: true })) as unknown as Readable;
    await withStream(stream, sink.signal, async () => {
      const lines = new LineSplitter();
      for await (const chunk of stream) {
        for (const line of lines.push(chunk as Buffer)) {
          if (line.trim()) await sink.write(toStatsSample(JSON.parse(line) as EngineStats));
        }
      }
    });
  }

  remove(ids: string[], opts: { force: boolean; volumes: boolean }): Promise<BulkResult[]> {
    return bulk(ids, (id) => this.docker.getContainer(id).remove({ force: opts.force, v: opts.volumes }));
  }
}
