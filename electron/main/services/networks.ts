import type Dockerode from 'dockerode';
import type { BulkResult } from '../../shared/api-contract';
import type { NetworkSummary, PruneReport } from '../../shared/models';
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

  async create(opts: { name: string; driver: 'bridge'; subnet?: string; internal: boolean; labels: Record<string, string> }): Promise<NetworkSummary> {
    const net = await this.docker.createNetwork({
      Name: opts.name,
      Driver: opts.driver,
      CheckDuplicate: true,
      Internal: opts.internal,
      Labels: opts.labels,
      ...(opts.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: opts.subnet }] } } : {}),
    });
    const info = (await net.inspect()) as Dockerode.NetworkInspectInfo;
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
