/**
 * A compose project's logs merged (`docker compose logs`): every container of the project, the
 * lines up to now in time order (a k-way merge by the engine's timestamps), then, while
 * following, each container's new lines as they come, each line named by its service. Containers
 * of the project that start later join by the engine's container changes.
 */
import type Dockerode from 'dockerode';
import type { LogLine } from '../../shared/models';
import { BerthError } from '../../shared/errors';
import type { StreamSink } from '../stream-sink';
import type { EventHub } from '../event-hub';
import { LogDecoder, openLogStream } from '../engine/log-stream';
import { mergeByTime, timeKey } from '../engine/log-merge';
import { withStream } from './transfer';

/** Lines of the history kept per container, and sent in all, at most (the renderer keeps 200,000). */
export const HISTORY_CAP = 200_000;
const CHUNK = 5000;

export interface ComposeLogOptions {
  project: string;
  tail: number | 'all';
  follow: boolean;
  since?: number;
  until?: number;
}

interface Member {
  id: string;
  source: string;
  running: boolean;
}

export class ComposeLogsService {
  constructor(
    private docker: Dockerode,
    private hub: EventHub,
  ) {}

  private async members(project: string): Promise<Member[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    return list
      .sort((a, b) => a.Created - b.Created)
      .map((c) => ({
        id: c.Id,
        source: c.Labels?.['com.docker.compose.service'] || (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
        running: c.State !== 'exited' && c.State !== 'dead' && c.State !== 'created',
      }));
  }

  /** One container's lines into `onLines` until its stream ends (or the signal aborts); a container gone meanwhile gives none. */
  private async read(
    m: Member,
    opts: { follow: boolean; tail: number | 'all'; since?: number; until?: number },
    signal: AbortSignal,
    onLines: (lines: LogLine[]) => Promise<void> | void,
  ): Promise<void> {
    if (signal.aborted) return;
    let opened;
    try {
      opened = await openLogStream(this.docker, m.id, opts);
    } catch (e) {
      if (BerthError.from(e).code === 'NOT_FOUND' || /no such container/i.test(String((e as Error).message))) return;
      throw e;
    }
    const { tty, stream } = opened;
    await withStream(stream, signal, async () => {
      const decoder = new LogDecoder(tty);
      const tag = (lines: LogLine[]) => lines.map((l) => ({ ...l, source: m.source }));
      for await (const data of stream) {
        const lines = decoder.push(data as Buffer);
        if (lines.length) await onLines(tag(lines));
      }
      const rest = decoder.flush();
      if (rest.length) await onLines(tag(rest));
    });
  }

  async logs(opts: ComposeLogOptions, sink: StreamSink<LogLine[]>): Promise<void> {
    const { signal } = sink;
    const members = await this.members(opts.project);
    if (signal.aborted) return;
    if (!members.length) throw new BerthError('NOT_FOUND', `No containers of the compose project "${opts.project}".`, { hint: 'It may have been taken down: the list shows the projects there are.' });
    // Up to now, in time order; then what comes after now, as it comes.
    const now = Date.now() / 1000;
    const until = opts.until !== undefined ? Math.min(opts.until, now) : now;
    const runs = await Promise.all(
      members.map(async (m) => {
        const run: LogLine[] = [];
        await this.read(m, { follow: false, tail: opts.tail, ...(opts.since ? { since: opts.since } : {}), until }, signal, (lines) => {
          run.push(...lines);
          if (run.length > HISTORY_CAP * 1.5) run.splice(0, run.length - HISTORY_CAP);
        });
        return run.length > HISTORY_CAP ? run.slice(-HISTORY_CAP) : run;
      }),
    );
    if (signal.aborted) return;
    // The renderer keeps HISTORY_CAP lines: more of N containers' histories would only be dropped there.
    const all = mergeByTime(runs);
    const merged = all.length > HISTORY_CAP ? all.slice(-HISTORY_CAP) : all;
    for (let i = 0; i < merged.length && !signal.aborted; i += CHUNK) await sink.write(merged.slice(i, i + CHUNK));
    if (!opts.follow || opts.until !== undefined || signal.aborted) return;

    // Following: every running container's new lines (those after `now`), and the containers that
    // (re)start. `since` is whole seconds, so what was sent already is dropped by its time.
    const sent = new Map<string, string>(); // per container: the time of the last line sent
    const afterNow = timeKey(new Date(now * 1000).toISOString());
    const following = new Set<string>();
    let failure: unknown;
    let wake = () => undefined as void;
    const follow = (m: Member) => {
      if (signal.aborted || !m.running || following.has(m.id)) return; // a late members() answer after the end
      following.add(m.id);
      this.read(m, { follow: true, tail: 'all', since: Math.floor(now) }, signal, (lines) => {
        const last = sent.get(m.id) ?? afterNow;
        const fresh = lines.filter((l) => !l.time || timeKey(l.time) > last);
        const newest = fresh.findLast((l) => l.time)?.time;
        if (newest) sent.set(m.id, timeKey(newest));
        return fresh.length ? sink.write(fresh) : undefined;
      }).then(
        () => following.delete(m.id), // it stopped: a restart follows it again
        (e) => {
          failure ??= e;
          wake();
        },
      );
    };
    members.forEach(follow);
    const off = this.hub.on((event) => {
      if (event !== 'containers:changed') return;
      this.members(opts.project).then(
        (ms) => ms.forEach(follow),
        () => undefined,
      );
    });
    try {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (failure && !signal.aborted) throw failure;
    } finally {
      off();
    }
  }
}
