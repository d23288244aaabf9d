/**
 * Published ports of the VM's containers, forwarded to the host's 127.0.0.1. Driven by the
 * engine's events (container start / die / destroy), not by polling: each event re-reads the
 * running containers and opens or closes the difference. A host port that is taken gives a
 * warning in words; the container still runs, its port reachable inside the VM only.
 */
import type Docker from 'dockerode';
import { jsonLines } from './control';

export interface PublishedPort {
  port: number;
  containers: string[]; // names, for the warning
}

/** Host ports the running containers publish (on all addresses or on loopback), TCP only. */
export function publishedPorts(containers: Docker.ContainerInfo[]): PublishedPort[] {
  const byPort = new Map<number, string[]>();
  for (const c of containers) {
    if (c.State !== 'running') continue;
    for (const p of c.Ports ?? []) {
      if (p.Type !== 'tcp' || !p.PublicPort) continue;
      if (p.IP && !['0.0.0.0', '::', '127.0.0.1', '::1'].includes(p.IP)) continue;
      const names = byPort.get(p.PublicPort) ?? [];
      const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
      if (!names.includes(name)) names.push(name);
      byPort.set(p.PublicPort, names);
    }
  }
  return [...byPort].sort(([a], [b]) => a - b).map(([port, names]) => ({ port, containers: names }));
}

export interface PortForwarderOptions {
  docker: Docker;
  forward: (port: number) => Promise<() => Promise<void>>;
  /** Called whenever the forwarded set or the warnings change. */
  onChange: (forwarded: number[], warnings: string[]) => void;
}

export class PortForwarder {
  private readonly open = new Map<number, () => Promise<void>>();
  private readonly warnings = new Map<number, string>();
  private events: NodeJS.ReadableStream | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private again = false;
  private closed = false;
  private readonly stopped = new Set<string>();

  constructor(private readonly opts: PortForwarderOptions) {}

  async start(): Promise<void> {
    const stream = await this.opts.docker.getEvents({ filters: { type: ['container'], event: ['start', 'die', 'destroy'] } });
    this.events = stream;
    stream.on(
      'data',
      jsonLines((m) => {
        const e = m as { status?: string; id?: string };
        if (!e.id) return;
        // At 'die' the engine may still list the container as running: remember it stopped.
        if (e.status === 'start') this.stopped.delete(e.id);
        else this.stopped.add(e.id);
        void this.sync();
      }),
    );
    stream.on('error', () => undefined); // the VM going away ends this; the manager notices through the backend
    await this.sync();
  }

  /** Brings the forwards in line with the running containers; calls made meanwhile coalesce into one more. */
  sync(): Promise<void> {
    if (this.again) return this.syncing;
    this.again = true;
    this.syncing = this.syncing.then(async () => {
      this.again = false;
      if (this.closed) return;
      const running = await this.opts.docker.listContainers({ filters: { status: ['running'] } }).catch(() => []);
      const wanted = publishedPorts(running.filter((c) => !this.stopped.has(c.Id)));
      const wantedPorts = new Set(wanted.map((w) => w.port));
      for (const [port, close] of this.open) {
        if (!wantedPorts.has(port)) {
          this.open.delete(port);
          await close();
        }
      }
      for (const port of this.warnings.keys()) if (!wantedPorts.has(port)) this.warnings.delete(port);
      for (const w of wanted) {
        if (this.open.has(w.port) || this.warnings.has(w.port)) continue;
        try {
          this.open.set(w.port, await this.opts.forward(w.port));
        } catch (e) {
          this.warnings.set(w.port, `${(e as Error).message} ${w.containers.length > 1 ? 'Containers' : 'Container'} ${w.containers.join(', ')} can be reached on it from inside the VM only.`);
        }
      }
      this.opts.onChange([...this.open.keys()].sort((a, b) => a - b), [...this.warnings.values()]);
    });
    return this.syncing;
  }

  async close(): Promise<void> {
    this.closed = true;
    (this.events as { destroy?: () => void } | undefined)?.destroy?.();
    await this.syncing;
    for (const close of this.open.values()) await close();
    this.open.clear();
  }
}
