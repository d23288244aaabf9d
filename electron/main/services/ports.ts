/**
 * Where this computer reaches a container's published port, for the engine in use: a local engine
 * (and the Berth VM, whose ports are forwarded here) on 127.0.0.1 or the address it was published
 * on; a tcp:// engine on its host; an ssh:// engine through a local port Berth forwards over SSH.
 */
import { isIP } from 'node:net';
import { BerthError } from '../../shared/errors';
import type { EngineEndpoint } from '../engine/endpoint';

export interface PortAddress {
  /** host:port, as typed into a browser or `curl` ([::1]:8080 for IPv6) */
  address: string;
  url: string;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);
const isLoopback = (ip: string) => ip === '::1' || ip === 'localhost' || /^127\./.test(ip);

export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

export function portAddress(host: string, port: number): PortAddress {
  const address = hostPort(host, port);
  return { address, url: `http://${address}/` };
}

export class PortsService {
  constructor(
    private readonly endpoint: EngineEndpoint,
    /** For an ssh:// engine: a local port forwarded to the remote machine's host:port. */
    private readonly forward?: (host: string, port: number) => Promise<number>,
  ) {}

  /** `ip`: the address the port was published on, as the engine lists it (none or 0.0.0.0: all). */
  async address(port: number, ip = ''): Promise<PortAddress> {
    const e = this.endpoint;
    if (e.kind === 'unix') return portAddress(WILDCARDS.has(ip) ? '127.0.0.1' : ip, port);
    if (e.kind === 'tcp') {
      if (WILDCARDS.has(ip)) return portAddress(e.host, port);
      if (isLoopback(ip)) {
        throw new BerthError('CONFLICT', `Port ${port} is published on ${hostPort(ip, port)} of the engine's machine (${e.host}), which only that machine reaches.`, {
          hint: 'Publish it on 0.0.0.0 (or an address of that machine), or reach the engine over ssh://, where Berth forwards its ports.',
        });
      }
      return portAddress(ip, port);
    }
    if (!this.forward) throw new BerthError('INTERNAL', 'No SSH tunnel to forward the port through.');
    try {
      return portAddress('127.0.0.1', await this.forward(WILDCARDS.has(ip) ? '127.0.0.1' : ip, port));
    } catch (err) {
      throw new BerthError('ENGINE_UNREACHABLE', `Could not forward port ${port} from ${e.host} over SSH: ${(err as Error).message}`);
    }
  }
}
