/**
 * A swarm service's logs merged over all its tasks (`docker service logs`), live: the manager's
 * own endpoint (GET /services/{id}/logs) gathers every task's lines from the nodes they run on,
 * and with `details` names each message's task and node (com.docker.swarm.task.id / .node.id).
 * Each line is named `<service>.<slot>@<node host name>`: the ids are looked up in the task and
 * node lists, again when a line names a task not seen yet (a scale, an update). Lines of one task
 * or one node only, when asked. A service removed while its logs stream ends the stream in words.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogLine } from '../../shared/models';
import { BerthError } from '../../shared/errors';
import type { StreamSink } from '../stream-sink';
import type { EventHub } from '../event-hub';
import { LogDecoder, type DetailedLine } from '../engine/log-stream';
import { toBerthError } from '../engine/engine-errors';
import { withStream } from './transfer';
import { mergeByTime } from '../engine/log-merge';

export interface ServiceLogOptions {
  id: string;
  follow: boolean;
  tail: number | 'all';
  since?: number;
  until?: number;
  /** Only this task's lines (its id). */
  task?: string;
  /** Only the lines of tasks on this node (its id or host name). */
  node?: string;
}

/** Lines of a history sent in all, at most (the renderer keeps 200,000). */
const HISTORY_CAP = 200_000;
const CHUNK = 5000;
/** A long line's pieces are held until its end up to this many chars (then sent as they are). */
const HOLD_CHARS = 4 * 1024 * 1024;
/** Without following: this long without a byte, and the engine is taken to have stalled. */
const STALL_MS = 5000;
const TASK = 'com.docker.swarm.task.id';
const NODE = 'com.docker.swarm.node.id';

/** A message's details ("k=v,k=v", each URL-encoded) as a map. */
export function parseDetails(details: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!details) return out;
  for (const pair of details.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      out.set(decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' ')), decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' ')));
    } catch {
      // not URL-encoded as the engine writes it: not a detail
    }
  }
  return out;
}

interface Names {
  service: string;
  /** task id -> slot (replicated) */
  slots: Map<string, number | undefined>;
  /** node id -> host name */
  hosts: Map<string, string>;
}

/** How a line names its task and node: web.2@node3 (a global service's task: web@node3). */
export function sourceName(names: Names, task: string | undefined, node: string | undefined): string {
  const slot = task ? names.slots.get(task) : undefined;
  const host = node ? (names.hosts.get(node) ?? node.slice(0, 12)) : '?';
  if (task && !names.slots.has(task)) return `${names.service}.${task.slice(0, 12)}@${host}`;
  return `${names.service}${slot !== undefined ? `.${slot}` : ''}@${host}`;
}

export class SwarmServiceLogsService {
  constructor(
    private readonly docker: Dockerode,
    private readonly hub: EventHub,
  ) {}

  private async inspect(id: string): Promise<{ ID: string; name: string; tty: boolean } | undefined> {
    try {
      const s = (await this.docker.getService(id).inspect()) as { ID: string; Spec?: { Name?: string; TaskTemplate?: { ContainerSpec?: { TTY?: boolean } } } };
      return { ID: s.ID, name: s.Spec?.Name ?? id, tty: !!s.Spec?.TaskTemplate?.ContainerSpec?.TTY };
    } catch (e) {
      const err = toBerthError(e);
      if (err.code === 'NOT_FOUND') return undefined;
      if (/docker swarm init|not a swarm manager/i.test(err.message))
        throw new BerthError('CONFLICT', 'Service logs are read from a swarm manager: this engine is not one.', { hint: 'Switch Berth to a manager of the swarm.' });
      throw err;
    }
  }

  private async names(serviceId: string, service: string): Promise<Names> {
    const [tasks, nodes] = await Promise.all([this.docker.listTasks({ filters: JSON.stringify({ service: [serviceId] }) }), this.docker.listNodes()]);
    return {
      service,
      slots: new Map((tasks as { ID: string; Slot?: number }[]).map((t) => [t.ID, typeof t.Slot === 'number' && t.Slot > 0 ? t.Slot : undefined])),
      hosts: new Map((nodes as { ID: string; Description?: { Hostname?: string } }[]).map((n) => [n.ID, n.Description?.Hostname ?? n.ID.slice(0, 12)])),
    };
  }

  private open(id: string, opts: ServiceLogOptions): Promise<Readable> {
    return new Promise<Readable>((resolve, reject) =>
      this.docker.modem.dial(
        {
          path: `/services/${encodeURIComponent(id)}/logs?`,
          method: 'GET',
          options: {
            stdout: true,
            stderr: true,
            timestamps: true,
            details: true,
            follow: opts.follow,
            tail: String(opts.tail),
            ...(opts.since ? { since: opts.since } : {}),
            ...(opts.until ? { until: opts.until } : {}),
          },
          isStream: true,
          statusCodes: { 200: true, 404: 'no such service', 500: 'server error', 503: 'node is not part of a swarm' },
        },
        (err: unknown, res: unknown) => (err ? reject(toBerthError(err)) : resolve(res as Readable)),
      ),
    );
  }

  async logs(opts: ServiceLogOptions, sink: StreamSink<LogLine[]>): Promise<void> {
    const { signal } = sink;
    const service = await this.inspect(opts.id);
    if (!service) throw new BerthError('NOT_FOUND', `There is no service ${opts.id}.`, { hint: 'It may have been removed: the Swarm page lists the services there are.' });
    let names = await this.names(service.ID, service.name);
    const nodeWanted = opts.node ? ([...names.hosts].find(([nid, host]) => nid === opts.node || host === opts.node)?.[0] ?? opts.node) : undefined;
    if (signal.aborted) return;
    const stream = await this.open(service.ID, opts);
    let removed = false;
    // The engine's stream may outlive the service (its tasks' streams just stop): watch for its removal.
    const off = this.hub.on((event) => {
      if (event !== 'swarm:changed' || removed) return;
      this.inspect(service.ID).then(
        (s) => {
          if (s) return;
          removed = true;
          stream.destroy();
        },
        () => undefined,
      );
    });
    const asked = new Set<string>(); // tasks looked up again once: not found twice is not asked a third time
    const held = new Map<string, LogLine[]>(); // per task: the pieces of a long line, until its last
    const heldSize = new Map<string, number>();
    const taskOf = new WeakMap<LogLine, string>();
    /** Named, filtered lines; a long line's pieces kept together (messages of other tasks come between them). */
    const name = async (lines: DetailedLine[], end = false): Promise<LogLine[]> => {
      const unknown = lines.map((l) => parseDetails(l.details).get(TASK)).filter((t): t is string => !!t && !names.slots.has(t) && !asked.has(t));
      if (unknown.length) {
        unknown.forEach((t) => asked.add(t));
        names = await this.names(service.ID, service.name).catch(() => names);
      }
      const out: LogLine[] = [];
      for (const l of lines) {
        const d = parseDetails(l.details);
        const task = d.get(TASK) ?? '';
        const node = d.get(NODE);
        if (opts.task && task !== opts.task) continue;
        if (nodeWanted && node !== nodeWanted) continue;
        delete l.details;
        l.source = sourceName(names, task || undefined, node);
        taskOf.set(l, task);
        const pieces = held.get(task);
        if (!l.more && !pieces) {
          out.push(l);
          continue;
        }
        const size = (heldSize.get(task) ?? 0) + l.text.length;
        if (pieces) pieces.push(l);
        else held.set(task, [l]);
        heldSize.set(task, size);
        if (!l.more || size >= HOLD_CHARS) {
          out.push(...held.get(task)!);
          held.delete(task);
          heldSize.delete(task);
        }
      }
      if (end) {
        for (const pieces of held.values()) out.push(...pieces);
        held.clear();
      }
      return out;
    };
    // Without following, the history comes per task in no order between tasks: merged by time at the end.
    const runs = new Map<string, LogLine[]>();
    let kept = 0;
    const emit = async (lines: LogLine[]) => {
      if (!lines.length) return;
      if (opts.follow) return sink.write(lines);
      for (const l of lines) {
        const task = taskOf.get(l) ?? '';
        const run = runs.get(task);
        if (run) run.push(l);
        else runs.set(task, [l]);
      }
      kept += lines.length;
      if (kept > HISTORY_CAP * 1.5) {
        for (const run of runs.values()) run.splice(0, Math.floor(run.length / 3));
        kept = [...runs.values()].reduce((n, r) => n + r.length, 0);
      }
    };
    // The engine can stop sending a history before its end (moby/moby#38640, seen here with lines of 1 MB):
    // without following, a silence of STALL_MS ends the read.
    let stalled = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const awake = () => {
      if (opts.follow) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        stalled = true;
        stream.destroy();
      }, STALL_MS);
    };
    try {
      await withStream(stream, signal, async () => {
        const decoder = new LogDecoder(service.tty, { details: true });
        awake();
        try {
          for await (const data of stream) {
            awake();
            await emit(await name(decoder.push(data as Buffer)));
          }
        } catch (e) {
          if (!removed && !stalled) throw e;
        }
        await emit(await name(decoder.flush(), true));
      });
    } finally {
      clearTimeout(idle);
      off();
    }
    if (signal.aborted) return;
    if (!opts.follow) {
      const merged = mergeByTime([...runs.values()]);
      const all = merged.length > HISTORY_CAP ? merged.slice(-HISTORY_CAP) : merged;
      for (let i = 0; i < all.length && !signal.aborted; i += CHUNK) await sink.write(all.slice(i, i + CHUNK));
    }
    if (stalled)
      throw new BerthError('ENGINE_ERROR', `The engine stopped sending the log of ${service.name} before its end: the lines up to there are shown.`, {
        hint: 'A known engine fault with service logs (moby/moby#38640). Follow the log instead: live lines keep coming.',
      });
    if (!removed && opts.follow && !(await this.inspect(service.ID).catch(() => service))) removed = true;
    if (removed) throw new BerthError('NOT_FOUND', `The service ${service.name} was removed: its log ends here.`);
  }
}
