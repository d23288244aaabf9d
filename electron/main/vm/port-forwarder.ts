/**
 * Published ports of the VM's containers, forwarded to the host: TCP and UDP, on 127.0.0.1, or on
 * 0.0.0.0 for a container that publishes on all addresses when the user's preference allows it
 * (portsOnAllAddresses; off by default: the VM's ports stay on this computer). Driven by the
 * engine's events (container start / die / destroy) and by the preference changing, not by
 * polling: each re-reads the running containers and opens or closes the difference. A host port
 * that is taken gives a warning in words; the container still runs, its port reachable inside the
 * VM only. close() never waits on the guest's engine: it aborts the calls still on their way (a
 * hung dockerd in the guest must not keep `berth vm stop` or quitting from finishing).
 */
import type Docker from 'dockerode';
import type { ForwardedPort } from '../../shared/models';
import { jsonLines } from '../engine/json-lines';

export type { ForwardedPort };
export type PortProtocol = ForwardedPort['protocol'];

export interface PublishedPort extends ForwardedPort {
  containers: string[]; // names, for the warning
  /** Published on the VM's loopback only (127.0.0.1 or ::1 there): QEMU's forwards reach the VM's eth0, not its loopback. */
  vmLoopback?: true;
}

const ALL = ['0.0.0.0', '::', ''];
const LOOPBACK = ['127.0.0.1', '::1'];

/**
 * Host ports the running containers publish, TCP and UDP (on all addresses or on loopback; a
 * port published on one of the VM's other addresses is not the host's). A port published on all
 * addresses is on the host's 0.0.0.0 only when `allAddresses` (the preference) says so. One
 * published on the VM's loopback only is marked `vmLoopback`: a forward could not reach it (in the
 * VM dockerd's DNAT rule for it matches 127.0.0.1 only), so it gets a warning instead.
 */
export function publishedPorts(containers: Docker.ContainerInfo[], allAddresses = false): PublishedPort[] {
  const byKey = new Map<string, PublishedPort>();
  for (const c of containers) {
    if (c.State !== 'running') continue;
    for (const p of c.Ports ?? []) {
      if ((p.Type !== 'tcp' && p.Type !== 'udp') || !p.PublicPort) continue;
      const ip = p.IP ?? '';
      if (!ALL.includes(ip) && !LOOPBACK.includes(ip)) continue;
      const key = `${p.Type}/${p.PublicPort}`;
      const entry: PublishedPort = byKey.get(key) ?? { protocol: p.Type, port: p.PublicPort, address: '127.0.0.1', containers: [], vmLoopback: true };
      if (ALL.includes(ip)) delete entry.vmLoopback;
      if (allAddresses && ALL.includes(ip)) entry.address = '0.0.0.0';
      const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
      if (!entry.containers.includes(name)) entry.containers.push(name);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

/** How a forward is named in the warnings and the UI: "8080" for TCP, "5353/udp". */
export const portName = (p: { protocol: PortProtocol; port: number }) => (p.protocol === 'tcp' ? String(p.port) : `${p.port}/${p.protocol}`);

export interface PortForwarderOptions {
  /** The guest's engine: a client with deadlines (DockerClient), so no sync waits forever. */
  docker: Docker;
  /** Opens one forward; resolves to its closer, or rejects with the reason in words. */
  forward: (p: ForwardedPort) => Promise<() => Promise<void>>;
  /** Whether a port published on all addresses goes on the host's 0.0.0.0 (read at every sync). */
  allAddresses?: () => Promise<boolean>;
  /** Calls back when that preference may have changed (any write of the settings); returns the disposer. */
  watchPreference?: (changed: () => void) => () => void;
  /** Called whenever the forwarded set or the warnings change. */
  onChange: (forwarded: ForwardedPort[], warnings: string[]) => void;
}

interface Open {
  address: ForwardedPort['address'];
  close: () => Promise<void>;
}

export class PortForwarder {
  private readonly open = new Map<string, Open>();
  private readonly warnings = new Map<string, { address: ForwardedPort['address']; words: string; vmLoopback?: true }>();
  private events: NodeJS.ReadableStream | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private again = false;
  private closed = false;
  private readonly stopped = new Set<string>();
  private unwatch: (() => void) | undefined;
  /** The preference the last sync applied: a settings write that leaves it as it was syncs nothing. */
  private applied: boolean | undefined;
  /** Aborts the engine calls on their way when the forwarder closes. */
  private readonly closing = new AbortController();

  constructor(private readonly opts: PortForwarderOptions) {}

  async start(): Promise<void> {
    this.unwatch = this.opts.watchPreference?.(() => void this.preferenceMayHaveChanged());
    const stream = await this.opts.docker.getEvents({ filters: { type: ['container'], event: ['start', 'die', 'destroy'] }, abortSignal: this.closing.signal });
    if (this.closed) return void (stream as { destroy?: () => void }).destroy?.();
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

  /**
   * A sync only when the preference differs from what the last sync applied: each sync asks the
   * guest's engine, which wakes a paused VM and restarts its idle time.
   */
  private async preferenceMayHaveChanged(): Promise<void> {
    const all = await this.readPreference();
    if (!this.closed && all !== this.applied) await this.sync();
  }

  private readPreference(): Promise<boolean> {
    return (this.opts.allAddresses?.() ?? Promise.resolve(false)).catch(() => false);
  }

  /** Brings the forwards in line with the running containers; calls made meanwhile coalesce into one more. */
  sync(): Promise<void> {
    if (this.again) return this.syncing;
    this.again = true;
    this.syncing = this.syncing.then(async () => {
      this.again = false;
      if (this.closed) return;
      const [running, all] = await Promise.all([this.opts.docker.listContainers({ filters: { status: ['running'] }, abortSignal: this.closing.signal }).catch(() => []), this.readPreference()]);
      if (this.closed) return;
      this.applied = all;
      const wanted = new Map(
        publishedPorts(
          running.filter((c) => !this.stopped.has(c.Id)),
          all,
        ).map((w) => [`${w.protocol}/${w.port}`, w]),
      );
      for (const [key, o] of this.open) {
        if (wanted.get(key)?.address !== o.address) {
          this.open.delete(key);
          await o.close();
        }
      }
      for (const [key, w] of this.warnings) if (wanted.get(key)?.address !== w.address || wanted.get(key)?.vmLoopback !== w.vmLoopback) this.warnings.delete(key);
      for (const [key, w] of wanted) {
        if (this.open.has(key) || this.warnings.has(key)) continue;
        if (w.vmLoopback) {
          const who = `${w.containers.length > 1 ? 'Containers' : 'Container'} ${w.containers.join(', ')}`;
          const words = `${who} ${w.containers.length > 1 ? 'publish' : 'publishes'} ${w.protocol === 'udp' ? 'UDP port' : 'port'} ${w.port} on 127.0.0.1 inside the VM, where the host cannot reach it, so Berth did not forward it. Publish it without an address (-p ${w.port}:<port in the container>${w.protocol === 'udp' ? '/udp' : ''}): Berth still keeps it on this computer's 127.0.0.1.`;
          this.warnings.set(key, { address: w.address, words, vmLoopback: true });
          continue;
        }
        try {
          this.open.set(key, { address: w.address, close: await this.opts.forward({ protocol: w.protocol, port: w.port, address: w.address }) });
        } catch (e) {
          const who = `${w.containers.length > 1 ? 'Containers' : 'Container'} ${w.containers.join(', ')}`;
          this.warnings.set(key, { address: w.address, words: `${(e as Error).message} ${who} can be reached on it from inside the VM only.` });
        }
      }
      this.opts.onChange(
        this.forwarded(),
        [...this.warnings.values()].map((w) => w.words),
      );
    });
    return this.syncing;
  }

  /** The forwards open now, by port. */
  forwarded(): ForwardedPort[] {
    return [...this.open]
      .map(([key, o]) => {
        const [protocol, port] = key.split('/') as [PortProtocol, string];
        return { protocol, port: Number(port), address: o.address };
      })
      .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unwatch?.();
    this.closing.abort();
    (this.events as { destroy?: () => void } | undefined)?.destroy?.();
    await this.syncing;
    for (const o of this.open.values()) await o.close();
    this.open.clear();
  }
}
