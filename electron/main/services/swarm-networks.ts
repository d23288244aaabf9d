/**
 * The swarm's overlay networks on a manager: made (attachable or not, encrypted or not, at a subnet
 * the user gives or one the managers pick), listed with the services that join each and the nodes
 * whose tasks are on it now, and removed once no service uses them. A taken name, a subnet that is
 * not one or that overlaps another network's, is said in words before the engine is asked.
 */
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { OverlayNetwork } from '../../shared/models';
import { toBerthError } from '../engine/engine-errors';

interface NetworkRaw {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Created?: string;
  Attachable?: boolean;
  Ingress?: boolean;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}
interface ServiceRaw {
  ID: string;
  Spec?: { Name?: string; Networks?: { Target?: string }[] | null; TaskTemplate?: { Networks?: { Target?: string }[] | null } };
  Endpoint?: { VirtualIPs?: { NetworkID?: string }[] | null };
}
interface TaskRaw {
  ServiceID?: string;
  NodeID?: string;
  DesiredState?: string;
  Status?: { State?: string };
  NetworksAttachments?: { Network?: { ID?: string } }[] | null;
}

/** An IPv4 subnet as [first address, size], or what is wrong with it in words. */
export function parseSubnet(s: string): { start: number; size: number; text: string } | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
  if (!m) return `"${s}" is not a subnet: write an IPv4 subnet in CIDR form, e.g. 10.20.0.0/24.`;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return `"${s}" is not a subnet: each of the four numbers is 0-255 and the prefix 0-32.`;
  if (bits < 8 || bits > 29) return `"${s}": an overlay network's subnet is between a /8 and a /29 (a /29 leaves room for a few tasks).`;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = addr - (addr % size);
  if (start !== addr) {
    const text = [24, 16, 8, 0].map((sh) => Math.floor(start / 2 ** sh) % 256).join('.');
    return `"${s}" is not the start of a subnet: did you mean ${text}/${bits}?`;
  }
  return { start, size, text: s.trim() };
}

const overlaps = (a: { start: number; size: number }, b: { start: number; size: number }) => a.start < b.start + b.size && b.start < a.start + a.size;

const time = (s?: string) => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

function netError(e: unknown, doing: string): BerthError {
  const err = toBerthError(e);
  if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') return err;
  if (/docker swarm init|not part of a swarm/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first (Swarm).' });
  if (/not a swarm manager/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not a swarm manager.`, { hint: 'Switch Berth to a manager of the swarm.' });
  if (/in use|active endpoints/i.test(err.message)) return new BerthError('IN_USE', `${doing}: ${err.message}.`, { hint: 'Remove the services and disconnect the containers that use it first.' });
  return new BerthError(err.code, `${doing}: ${err.message}`, err.hint ? { hint: err.hint } : {});
}

/** Which services join `net` (by its id or name) and on which nodes their tasks are now. */
export function toOverlay(net: NetworkRaw, services: ServiceRaw[], tasks: TaskRaw[], hostnames: Map<string, string>): OverlayNetwork {
  const joins = (s: ServiceRaw) =>
    [...(s.Spec?.TaskTemplate?.Networks ?? []), ...(s.Spec?.Networks ?? [])].some((n) => n.Target === net.Id || n.Target === net.Name) ||
    (s.Endpoint?.VirtualIPs ?? []).some((v) => v.NetworkID === net.Id);
  const users = services.filter(joins);
  const nodes = new Set<string>();
  for (const t of tasks) {
    if (t.DesiredState !== 'running' || !t.NodeID) continue;
    const on = (t.NetworksAttachments ?? []).some((a) => a.Network?.ID === net.Id) || (!t.NetworksAttachments && users.some((s) => s.ID === t.ServiceID));
    if (on) nodes.add(hostnames.get(t.NodeID) ?? t.NodeID);
  }
  const created = time(net.Created);
  const stack = net.Labels?.['com.docker.stack.namespace'];
  return {
    id: net.Id,
    name: net.Name,
    attachable: !!net.Attachable,
    encrypted: net.Options ? Object.hasOwn(net.Options, 'encrypted') : false,
    ingress: !!net.Ingress,
    subnets: (net.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean),
    services: users.map((s) => ({ id: s.ID, name: s.Spec?.Name ?? s.ID })).sort((a, b) => a.name.localeCompare(b.name)),
    nodes: [...nodes].sort(),
    ...(created ? { created } : {}),
    ...(stack ? { stack } : {}),
  };
}

/** How long a made or removed network gets to show in, or leave, this engine's list. */
const GONE_MS = 15_000;

export class SwarmNetworksService {
  constructor(private readonly docker: Dockerode) {}

  private async networks(): Promise<NetworkRaw[]> {
    return await this.docker.listNetworks().catch((e: unknown) => Promise.reject(netError(e, 'The networks could not be listed')));
  }

  async list(): Promise<OverlayNetwork[]> {
    const doing = 'The overlay networks could not be listed';
    const [nets, services, tasks, nodes] = await Promise.all([
      this.networks(),
      this.docker.listServices().catch((e: unknown) => Promise.reject(netError(e, doing))),
      this.docker.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }).catch((e: unknown) => Promise.reject(netError(e, doing))),
      this.docker.listNodes().catch((e: unknown) => Promise.reject(netError(e, doing))),
    ]);
    const hostnames = new Map((nodes as { ID: string; Description?: { Hostname?: string } }[]).map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    return nets
      .filter((n) => n.Driver === 'overlay' && n.Scope === 'swarm')
      .map((n) => toOverlay(n, services as unknown as ServiceRaw[], tasks as unknown as TaskRaw[], hostnames))
      .sort((a, b) => Number(a.ingress) - Number(b.ingress) || a.name.localeCompare(b.name));
  }

  private async find(name: string): Promise<OverlayNetwork> {
    const found = (await this.list()).find((n) => n.name === name || n.id === name);
    if (!found) throw new BerthError('NOT_FOUND', `The swarm has no overlay network ${name}.`);
    return found;
  }

  async create(input: { name: string; attachable: boolean; encrypted: boolean; subnet?: string }): Promise<OverlayNetwork> {
    const nets = await this.networks();
    const taken = nets.find((n) => n.Name === input.name);
    if (taken) {
      throw new BerthError('CONFLICT', `There is already a network named ${input.name} (${taken.Driver ?? '?'}, ${taken.Scope ?? '?'} scope).`, {
        hint: 'Pick another name, or remove the one that has it.',
      });
    }
    const subnetText = input.subnet?.trim();
    if (subnetText) {
      const subnet = parseSubnet(subnetText);
      if (typeof subnet === 'string') throw new BerthError('INVALID_ARGUMENT', subnet);
      for (const n of nets) {
        for (const c of n.IPAM?.Config ?? []) {
          const other = c.Subnet ? parseSubnet(c.Subnet) : undefined;
          if (other && typeof other !== 'string' && overlaps(subnet, other)) {
            throw new BerthError('CONFLICT', `The subnet ${subnetText} overlaps ${c.Subnet}, the subnet of the network ${n.Name}.`, {
              hint: 'Pick a subnet that no other network uses, or leave it empty for the managers to pick one.',
            });
          }
        }
      }
    }
    let made: { id: string };
    try {
      made = await this.docker.createNetwork({
        Name: input.name,
        Driver: 'overlay',
        Attachable: input.attachable,
        CheckDuplicate: true,
        ...(input.encrypted ? { Options: { encrypted: '' } } : {}),
        ...(subnetText ? { IPAM: { Driver: 'default', Config: [{ Subnet: subnetText }] } } : {}),
      });
    } catch (e) {
      throw netError(e, `The overlay network ${input.name} could not be made`);
    }
    // The managers have it at once; this engine's list may show it a moment later.
    const deadline = Date.now() + GONE_MS;
    for (;;) {
      const found = (await this.list()).find((n) => n.id === made.id);
      if (found || Date.now() > deadline) return found ?? this.find(made.id);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Removes one that no service uses; one in use is refused, naming the services. */
  async remove(name: string): Promise<void> {
    const net = await this.find(name);
    if (net.ingress) throw new BerthError('CONFLICT', `${net.name} is the swarm's routing-mesh network: Berth does not remove it.`, { hint: 'It goes with the swarm.' });
    if (net.services.length) {
      const names = net.services.map((s) => s.name);
      throw new BerthError('IN_USE', `The network ${net.name} is in use by the service${names.length === 1 ? '' : 's'} ${names.join(', ')}.`, {
        hint: `Remove ${names.length === 1 ? 'that service' : 'those services'} (or take ${names.length === 1 ? 'it' : 'them'} off the network) first.`,
      });
    }
    try {
      await this.docker.getNetwork(net.id).remove();
    } catch (e) {
      throw netError(e, `The network ${net.name} could not be removed`);
    }
    // The managers remove it at once; this engine's own copy goes once its last task's endpoint has.
    const deadline = Date.now() + GONE_MS;
    while (Date.now() < deadline && (await this.networks().catch(() => [])).some((n) => n.Id === net.id)) await new Promise((r) => setTimeout(r, 250));
  }
}
