import type Dockerode from 'dockerode';
import type { BulkResult } from '../../shared/api-contract';
import type { NetworkDetail, NetworkSummary, PruneReport } from '../../shared/models';
import { bulk } from './bulk';

const BUILTIN = new Set(['bridge', 'host', 'none']);

/** network id -> containers attached to it */
export type NetworkMembers = Map<string, { id: string; name: string }[]>;

export function networkMembers(containers: Dockerode.ContainerInfo[]): NetworkMembers {
  const members: NetworkMembers = new Map();
  for (const c of containers) {
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
    for (const n of Object.values(c.NetworkSettings?.Networks ?? {})) {
      if (!n.NetworkID) continue;
      members.set(n.NetworkID, [...(members.get(n.NetworkID) ?? []), { id: c.Id, name }]);
    }
  }
  return members;
}

export function toNetworkSummary(n: Dockerode.NetworkInspectInfo, members: NetworkMembers): NetworkSummary {
  const created = Date.parse(n.Created);
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s),
    internal: !!n.Internal,
    builtin: BUILTIN.has(n.Name),
    ...(Number.isFinite(created) ? { created } : {}),
    containers: members.get(n.Id) ?? [],
  };
}

/** A member's aliases on one network, without its own name and id (which every member answers to). */
function aliasesOf(c: Dockerode.ContainerInspectInfo, network: string, member: { id: string; name: string }): string[] {
  const own = new Set([member.name, member.id.slice(0, 12), member.id]);
  const at = c.NetworkSettings?.Networks?.[network] as { Aliases?: string[] | null; DNSNames?: string[] | null } | undefined;
  return [...new Set([...(at?.Aliases ?? []), ...(at?.DNSNames ?? [])])].filter((a) => !own.has(a));
}

export class NetworksService {
  constructor(private readonly docker: Dockerode) {}

  async list(): Promise<NetworkSummary[]> {
    const [networks, containers] = await Promise.all([this.docker.listNetworks(), this.docker.listContainers({ all: true })]);
    const members = networkMembers(containers);
    return networks.map((n) => toNetworkSummary(n, members));
  }

  inspect(id: string): Promise<unknown> {
    return this.docker.getNetwork(id).inspect();
  }

  /** The page: the network's addressing and each member (stopped ones too) with its address and aliases. */
  async detail(id: string): Promise<NetworkDetail> {
    const info = (await this.docker.getNetwork(id).inspect()) as Dockerode.NetworkInspectInfo & { Attachable?: boolean; Options?: Record<string, string> | null };
    // A container created but never started has the network by name only (no NetworkID yet): a member too.
    const all = await this.docker.listContainers({ all: true });
    const joined = all.filter((c) => Object.entries(c.NetworkSettings?.Networks ?? {}).some(([name, n]) => n.NetworkID === info.Id || (!n.NetworkID && name === info.Name)));
    const summary = toNetworkSummary(info, new Map([[info.Id, joined.map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id).replace(/^\//, '') }))]]));
    const endpoints = info.Containers ?? {};
    const members = await Promise.all(
      summary.containers.map(async (c) => {
        const at = endpoints[c.id];
        const aliases = await this.docker
          .getContainer(c.id)
          .inspect()
          .then((ci) => aliasesOf(ci, info.Name, c))
          .catch(() => []); // removed meanwhile: listed without its aliases
        return { ...c, ...(at?.IPv4Address ? { ipv4: at.IPv4Address } : {}), ...(at?.IPv6Address ? { ipv6: at.IPv6Address } : {}), ...(at?.MacAddress ? { mac: at.MacAddress } : {}), aliases };
      }),
    );
    return {
      ...summary,
      ipam: (info.IPAM?.Config ?? []).filter((c) => c.Subnet).map((c) => ({ subnet: c.Subnet as string, ...(c.Gateway ? { gateway: c.Gateway } : {}), ...(c.IPRange ? { ipRange: c.IPRange } : {}) })),
      ipv6: !!info.EnableIPv6,
      attachable: !!info.Attachable,
      labels: info.Labels ?? {},
      options: info.Options ?? {},
      members,
    };
  }

  async create(opts: { name: string; driver: 'bridge'; subnet?: string; internal: boolean; labels: Record<string, string> }): Promise<NetworkSummary> {
    const net = await this.docker.createNetwork({
      Name: opts.name,
      Driver: opts.driver,
      CheckDuplicate: true,
      Internal: opts.internal,
      Labels: opts.labels,
      ...(opts.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: opts.subnet }] } } : {}),
    });
    const info = await net.inspect();
    return toNetworkSummary(info, new Map());
  }

  remove(ids: string[]): Promise<BulkResult[]> {
    return bulk(ids, (id) => this.docker.getNetwork(id).remove());
  }

  async connect(network: string, container: string): Promise<void> {
    await this.docker.getNetwork(network).connect({ Container: container });
  }

  async disconnect(network: string, container: string, force: boolean): Promise<void> {
    await this.docker.getNetwork(network).disconnect({ Container: container, Force: force });
  }

  async prune(): Promise<PruneReport> {
    const r = await this.docker.pruneNetworks();
    return { removed: r.NetworksDeleted ?? [], spaceReclaimed: 0 };
  }
}
