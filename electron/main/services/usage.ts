/**
 * The live resource overview: one engine stats stream per running container (what `docker stats`
 * opens), joined into one snapshot at most once a period, only while a client watches. Containers
 * that start join and those that stop leave by the engine's container changes: nothing polls.
 */
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { EventHub } from '../event-hub';
import type { StreamSink } from '../stream-sink';
import type { ContainerUsage, ProcessUsage, UsageSnapshot } from '../../shared/models';
import { LineSplitter } from '../engine/log-stream';
import { toStatsSample, type EngineStats } from '../engine/stats';
import { withStream } from './transfer';

export const USAGE_PERIOD_MS = 1000;
/** More running containers than this are listed without use (each one is a stream to the engine). */
export const MAX_WATCHED = 500;

export interface UsageOptions {
  hub: EventHub;
  /** Whether the engine in use is Berth's VM, and a reader of its own process for each watch (when this system has one). */
  vm?: { reader?: () => () => ProcessUsage | undefined };
  periodMs?: number;
}

export class UsageService {
  constructor(
    private docker: Dockerode,
    private opts: UsageOptions,
  ) {}

  async watch(sink: StreamSink<UsageSnapshot>): Promise<void> {
    const { signal } = sink;
    const period = this.opts.periodMs ?? USAGE_PERIOD_MS;
    const info = (await this.docker.info()) as { NCPU?: number; MemTotal?: number };
    const engine = { cpus: info.NCPU || 1, memTotal: info.MemTotal || 0, isVm: !!this.opts.vm };
    const vmUsage = this.opts.vm?.reader?.();
    const latest = new Map<string, ContainerUsage>();
    const open = new Map<string, { name: string; stop: () => void }>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let writing = false;
    let again = false; // something changed while a snapshot was being written
    let lastSent = 0;
    let failure: Error | undefined;
    let wake: () => void = () => undefined;

    const flush = async () => {
      timer = undefined;
      if (signal.aborted) return;
      writing = true;
      again = false;
      const containers = [...latest.values()].sort((a, b) => b.cpuPercent - a.cpuPercent || a.name.localeCompare(b.name));
      const vm = vmUsage?.();
      try {
        await sink.write({ time: Date.now(), containers, engine, ...(vm ? { vm } : {}) });
      } catch (e) {
        failure = e as Error;
        wake();
        return;
      } finally {
        writing = false;
        lastSent = Date.now();
      }
      if (again) schedule();
    };
    // Latest wins: a slow client gets fewer snapshots, never a queue of them.
    const schedule = () => {
      if (signal.aborted) return;
      if (writing) again = true;
      else timer ??= setTimeout(() => void flush(), Math.max(0, lastSent + period - Date.now()));
    };

    const follow = (id: string, name: string) => {
      const ac = new AbortController();
      const entry = { name, stop: () => ac.abort() };
      open.set(id, entry);
      void this.followOne(id, ac.signal, (sample) => {
        if (open.get(id) !== entry) return; // a late sample of a stream already left
        latest.set(id, { id, name: entry.name, cpuPercent: sample.cpuPercent, memUsage: sample.memUsage, memLimit: sample.memLimit });
        schedule();
      }).finally(() => {
        if (signal.aborted || open.get(id) !== entry) return; // the watch ended, or a newer stream has this id
        // It ended by itself (the container stopped, or restarted in between): sync says which.
        open.delete(id);
        if (latest.delete(id)) schedule();
        sync().catch(() => undefined);
      });
    };

    let syncing: Promise<void> | undefined;
    let resync = false;
    const sync = async (): Promise<void> => {
      if (syncing) {
        resync = true;
        return;
      }
      syncing = (async () => {
        do {
          resync = false;
          const running = await this.docker.listContainers({ filters: { status: ['running'] } });
          if (signal.aborted) return;
          const now = new Map(running.slice(0, MAX_WATCHED).map((c) => [c.Id, (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '')]));
          for (const [id, o] of open) {
            if (!now.has(id)) {
              o.stop();
              open.delete(id);
              if (latest.delete(id)) schedule();
            }
          }
          for (const [id, name] of now) {
            const o = open.get(id);
            if (!o) follow(id, name);
            else if (o.name !== name) o.name = name; // renamed
          }
        } while (resync && !signal.aborted);
      })().finally(() => (syncing = undefined));
      return syncing;
    };

    const off = this.opts.hub.on((event) => {
      if (event === 'containers:changed') sync().catch(() => undefined); // the next change syncs again
    });
    try {
      await sync();
      schedule(); // the first snapshot (maybe of no container) says the overview is live
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (signal.aborted || failure) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (failure && !signal.aborted) throw failure;
    } finally {
      off();
      if (timer) clearTimeout(timer);
      for (const o of open.values()) o.stop();
      open.clear();
    }
  }

  /** One container's stats stream until it ends (the container stopped) or `signal` aborts. */
  private async followOne(id: string, signal: AbortSignal, onSample: (s: ReturnType<typeof toStatsSample>) => void): Promise<void> {
    try {
      const stream = (await this.docker.getContainer(id).stats({ stream: true })) as unknown as Readable;
      await withStream(stream, signal, async () => {
        const lines = new LineSplitter();
        let first = true;
        for await (const chunk of stream) {
          for (const line of lines.push(chunk as Buffer)) {
            if (!line.trim()) continue;
            try {
              const raw = JSON.parse(line) as EngineStats;
              // The stream's first sample has no earlier reading to take CPU against: it would say 0 %.
              if (first && !raw.precpu_stats?.system_cpu_usage) {
                first = false;
                continue;
              }
              first = false;
              onSample(toStatsSample(raw));
            } catch {
              // a line that is not stats JSON: skipped, the next one counts
            }
          }
        }
      });
    } catch {
      // gone before its stream opened (removed, stopped): the next sync has it right
    }
  }
}
