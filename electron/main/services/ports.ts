/**
 * Where this computer reaches a container's published port, for the engine in use: a local engine
 * (and the Berth VM, whose ports are forwarded here) on 127.0.0.1 or the address it was published
 * on; a tcp:// engine on its host; an ssh:// engine through a local port Berth forwards over SSH.
 * Only a port the container publishes is answered; over SSH, only one published beyond the remote
 * machine's own loopback (a local port Berth opens is open to every user of this computer).
 */
import { isIP } from 'node:net';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { EngineEndpoint } from '../engine/endpoint';

export interface PortAddress {
  /** host:port, as typed into a browser or `curl` ([::1]:8080 for IPv6) */
  address: string;
  url: string;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);
const isLoopback = (ip: string) => ip === '::1' || /^127\./.test(ip);

export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

function portAddress(host: string, port: number): PortAddress {
  const address = hostPort(host, port);
  return { address, url: `http://${address}/` };
}

type Bindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

export class PortsService {
  constructor(
    private readonly docker: Dockerode,
    private readonly endpoint: EngineEndpoint,
    /** For an ssh:// engine: a local port forwarded to the remote machine's host:port. */
    private readonly forward?: (host: string, port: number) => Promise<number>,
  ) {}

  /** Container `id`'s published host `port` (on `ip`, when it is published on several). */
  async address(id: string, port: number, ip?: string): Promise<PortAddress> {
    const info = (await this.docker.getContainer(id).inspect()) as { Name?: string; NetworkSettings?: { Ports?: Bindings } };
    const name = (info.Name ?? id).replace(/^\//, '');
    const published = Object.entries(info.NetworkSettings?.Ports ?? {}).flatMap(([key, list]) =>
      (list ?? []).filter((b) => Number(b.HostPort) === port).map((b) => ({ ip: b.HostIp ?? '', protocol: key.split('/')[1] ?? 'tcp' })),
    );
    const binding = published.find((b) => ip === undefined || b.ip === ip) ?? published[0];
    if (!binding) throw new BerthError('NOT_FOUND', `${name} does not publish port ${port} (now).`, { hint: 'Its ports are in the Ports column; a stopped container publishes none.' });
    const e = this.endpoint;
    const on = binding.ip;
    if (e.kind === 'unix') return portAddress(WILDCARDS.has(on) ? '127.0.0.1' : on, port);
    if (e.kind === 'tcp') {
      if (WILDCARDS.has(on)) return portAddress(e.host, port);
      if (isLoopback(on)) throw loopbackOnly(name, on, port, e.host, 'Publish it on 0.0.0.0 (or an address of that machine), or reach the engine over ssh://.');
      return portAddress(on, port);
    }
    if (binding.protocol !== 'tcp') throw new BerthError('CONFLICT', `Port ${port} of ${name} is ${binding.protocol.toUpperCase()}: Berth forwards TCP ports over SSH only.`);
    if (isLoopback(on))
      throw loopbackOnly(
        name,
        on,
        port,
        e.host,
        `Berth does not forward it: a port Berth opens here is open to every user of this computer. Forward it yourself: ssh -L ${port}:${hostPort(on, port)} ${e.username ? `${e.username}@` : ''}${e.host}`,
      );
    if (!this.forward) throw new BerthError('INTERNAL', 'No SSH tunnel to forward the port through.');
    try {
      return portAddress('127.0.0.1', await this.forward(WILDCARDS.has(on) ? '127.0.0.1' : on, port));
    } catch (err) {
      throw new BerthError('ENGINE_UNREACHABLE', `Could not forward port ${port} from ${e.host} over SSH: ${(err as Error).message}`);
    }
  }
}

function loopbackOnly(name: string, ip: string, port: number, host: string, hint: string): BerthError {
  return new BerthError('CONFLICT', `${name} publishes port ${port} on ${hostPort(ip, port)} of the engine's machine (${host}), which only that machine reaches.`, { hint });
}
