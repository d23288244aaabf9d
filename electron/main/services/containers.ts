import type Dockerode from 'dockerode';
import type { BulkResult, ContainerAction } from '../../shared/api-contract';
import type { ContainerDetail, ContainerState, ContainerSummary, HealthReport, PortMapping } from '../../shared/models';
import type { Readable } from 'node:stream';
import type { LogLine, StatsSample } from '../../shared/models';
import { toStatsSample, type EngineStats } from '../engine/stats';
import type { StreamSink } from '../stream-sink';
import { LineSplitter, LogDecoder, openLogStream, type LogOptions } from '../engine/log-stream';
import { sendFile, withStream } from './transfer';
import { notCarried, runSpecOf } from './run-again';
import { parseReference, repository } from '../../shared/image-ref';
import type { RunSpecInput } from '../../shared/run-spec';
import { BerthError } from '../../shared/errors';
import { bulk } from './bulk';
import { toContainerDetail } from './container-detail';
import { healthOf, statusWithoutHealth, streakOf, toHealthReport } from './health-check';

/** How long a list waits for the failing streaks it reads (see list). */
export const STREAK_WAIT_MS = 1000;

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
    status: typeof c.Status === 'string' ? statusWithoutHealth(c.Status) : '',
    created: c.Created * 1000,
    ports,
    labels,
    ...(labels['com.docker.compose.project'] ? { composeProject: labels['com.docker.compose.project'] } : {}),
    ...healthOf(c),
  };
}

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
      if (late) return; // past the wait: the rest are not read
      const streak = streakOf(((await this.docker.getContainer(id).inspect()) as { State?: { Health?: { FailingStreak?: unknown } } }).State?.Health?.FailingStreak);
      if (!late && streak !== undefined) byId.get(id)!.failingStreak = streak;
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

  async detail(id: string): Promise<ContainerDetail> {
    return toContainerDetail(await this.docker.getContainer(id).inspect());
  }

  /** The inspect JSON and its facts from one read: the Inspect tab shows both. */
  async inspectView(id: string): Promise<{ json: unknown; detail: ContainerDetail }> {
    const json = await this.docker.getContainer(id).inspect();
    return { json, detail: toContainerDetail(json) };
  }

  /** The run spec that makes a container like this one ("run again", "copy as docker run"), and the settings it cannot say. */
  async runSpec(id: string): Promise<{ spec: RunSpecInput; left: string[] }> {
    const c = await this.docker.getContainer(id).inspect();
    const image = await this.docker
      .getImage(c.Image)
      .inspect()
      .catch(() => ({})); // the image is gone: everything the container has is said
    return { spec: runSpecOf(c, image), left: notCarried(c) };
  }

  async rename(id: string, name: string): Promise<void> {
    await this.docker.getContainer(id).rename({ name });
  }

  /** `docker commit`: a new image from the container, tagged `ref` when given. */
  async commit(id: string, o: { ref?: string; message?: string; author?: string; changes: string[]; pause: boolean }): Promise<{ id: string }> {
    const r = o.ref ? parseReference(o.ref) : undefined;
    if (r?.digest)
      throw new BerthError('INVALID_ARGUMENT', `Commit to a name and tag, not a digest (${o.ref}): the engine would tag it :latest.`, {
        hint: 'A digest names an image already made; give the new one a tag, such as my-app:snapshot.',
      });
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
