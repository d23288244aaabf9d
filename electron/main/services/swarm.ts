/**
 * Swarm mode, through the engine's own API: make a swarm on the engine in use (its advertise address
 * named by the user, never guessed), show its join tokens, join the other engines Berth has to it in
 * one call (or this engine to a swarm by token), leave; list nodes and drain / pause / activate,
 * promote / demote, label and remove them. No orchestration of Berth's own: the managers do it all.
 *
 * A join that fails leaves nothing half-made: an engine the manager never took (a wrong token, an
 * unreachable address) is made to leave again, so it is not left "pending" in the background.
 */
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { EngineTls, JoinTokens, NodeAvailability, NodeRole, SwarmNode, SwarmState } from '../../shared/models';
import { DockerClient } from '../engine/docker-client';
import { parseDockerHost } from '../engine/endpoint';
import { toBerthError } from '../engine/engine-errors';

/** Another engine Berth has (a context), opened for one call. */
export interface OtherEngine {
  name: string;
  docker: Dockerode;
  close(): void;
}

/** Opens the engine of the context `name`; a BerthError when there is none or Berth cannot reach it this way. */
export type EngineOpener = (name: string) => Promise<OtherEngine>;

/** Opens a unix:// or tcp:// engine at `host` (over TLS when given); ssh:// ones are refused in words (join those by token). */
export function openEngineAt(name: string, host: string, tls?: EngineTls): OtherEngine {
  const parsed = parseDockerHost(host, tls ? 2376 : 2375);
  const endpoint = parsed.kind === 'tcp' && tls ? { ...parsed, tls } : parsed;
  if (endpoint.kind === 'ssh') {
    throw new BerthError('INVALID_ARGUMENT', `Berth cannot add the ssh:// engine "${name}" to a swarm in one click yet.`, {
      hint: `Switch Berth to "${name}", then use "Join a swarm" there with this swarm's token and manager address.`,
    });
  }
  const client = new DockerClient(endpoint, { refusal: () => undefined, slow: () => undefined });
  return { name, docker: client.docker, close: () => client.dispose() };
}

type Info = {
  Swarm?: {
    LocalNodeState?: string;
    NodeID?: string;
    NodeAddr?: string;
    ControlAvailable?: boolean;
    Error?: string;
    Nodes?: number;
    Managers?: number;
    Cluster?: { ID?: string };
    RemoteManagers?: { NodeID: string; Addr: string }[] | null;
  };
};

const STATES = new Set(['inactive', 'pending', 'active', 'error', 'locked']);

export function toSwarmState(info: Info): SwarmState {
  const s = info.Swarm ?? {};
  const state = STATES.has(s.LocalNodeState ?? '') ? (s.LocalNodeState as SwarmState['state']) : 'inactive';
  return {
    state,
    manager: !!s.ControlAvailable,
    remoteManagers: (s.RemoteManagers ?? []).map((m) => ({ nodeId: m.NodeID, addr: m.Addr })),
    ...(s.NodeID ? { nodeId: s.NodeID } : {}),
    ...(s.NodeAddr ? { nodeAddr: s.NodeAddr } : {}),
    ...(s.Cluster?.ID ? { clusterId: s.Cluster.ID } : {}),
    ...(typeof s.Nodes === 'number' && s.ControlAvailable ? { nodes: s.Nodes } : {}),
    ...(typeof s.Managers === 'number' && s.ControlAvailable ? { managers: s.Managers } : {}),
    ...(s.Error ? { error: s.Error } : {}),
  };
}

interface NodeInfo {
  ID: string;
  Version?: { Index?: number };
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> | null; Name?: string };
  Description?: {
    Hostname?: string;
    Platform?: { OS?: string; Architecture?: string };
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    Engine?: { EngineVersion?: string; Labels?: Record<string, string> | null };
  };
  Status?: { State?: string; Message?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export function toSwarmNode(n: NodeInfo, selfId: string | undefined): SwarmNode {
  const role: NodeRole = n.Spec?.Role === 'manager' ? 'manager' : 'worker';
  const availability = (['active', 'pause', 'drain'].includes(n.Spec?.Availability ?? '') ? n.Spec!.Availability : 'active') as NodeAvailability;
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? '',
    role,
    availability,
    status: n.Status?.State ?? 'unknown',
    ...(n.Status?.Message ? { message: n.Status.Message } : {}),
    addr: n.Status?.Addr ?? '',
    leader: !!n.ManagerStatus?.Leader,
    ...(n.ManagerStatus?.Reachability ? { reachability: n.ManagerStatus.Reachability } : {}),
    engineVersion: n.Description?.Engine?.EngineVersion ?? '',
    labels: { ...(n.Spec?.Labels ?? {}) },
    engineLabels: { ...(n.Description?.Engine?.Labels ?? {}) },
    cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
    os: n.Description?.Platform?.OS ?? '',
    arch: n.Description?.Platform?.Architecture ?? '',
    self: n.ID === selfId,
    version: n.Version?.Index ?? 0,
  };
}

/** The engine's words on a swarm call, with what to do where Berth can tell. */
function swarmError(e: unknown, doing: string): BerthError {
  const err = toBerthError(e);
  if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') return err;
  const m = err.message;
  if (/docker swarm init|not part of a swarm/i.test(m)) return new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first, or join one.' });
  if (/not a swarm manager/i.test(m)) {
    return new BerthError('CONFLICT', `${doing}: this engine is not a swarm manager.`, { hint: 'Do it from a manager of the swarm (switch Berth to one), or promote this node first.' });
  }
  if (/already part of a swarm/i.test(m)) return new BerthError('CONFLICT', `${doing}: the engine is already in a swarm.`, { hint: 'Leave that swarm first.' });
  if (/join token|token/i.test(m) && /invalid|valid join token|necessary/i.test(m)) {
    return new BerthError('INVALID_ARGUMENT', `${doing}: the swarm refused the join token (${m}).`, {
      hint: 'Copy the token again from a manager (Swarm → Join tokens): worker and manager tokens differ.',
    });
  }
  return new BerthError(err.code, `${doing}: ${m}`, err.hint ? { hint: err.hint } : {});
}

/** How long a joined engine gets to show in the manager's node list. */
const APPEAR_MS = 15_000;
/** How long a promoted or demoted node gets to take its new place among the managers. */
const ROLE_MS = 30_000;

export class SwarmService {
  constructor(
    private readonly docker: Dockerode,
    private readonly open: EngineOpener,
  ) {}

  async info(): Promise<SwarmState> {
    return toSwarmState((await this.docker.info()) as Info);
  }

  /** Makes a swarm with this engine as its first manager, at the address given. */
  async init(advertiseAddr: string): Promise<SwarmState> {
    const before = await this.info();
    if (before.state !== 'inactive') throw new BerthError('CONFLICT', `This engine is already in a swarm (${before.state}).`, { hint: 'Leave it first to make a new one.' });
    try {
      await this.docker.swarmInit({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: advertiseAddr });
    } catch (e) {
      throw swarmError(e, `The swarm could not be made with the advertise address ${advertiseAddr}`);
    }
    return this.info();
  }

  /** The tokens and where managers answer: shown only when asked for (they let anyone join). */
  async joinTokens(): Promise<JoinTokens> {
    const [swarm, state] = await Promise.all([this.docker.swarmInspect().catch((e: unknown) => Promise.reject(swarmError(e, 'The join tokens could not be read'))), this.info()]);
    const tokens = (swarm as { JoinTokens?: { Worker?: string; Manager?: string } }).JoinTokens ?? {};
    if (!tokens.Worker || !tokens.Manager) throw new BerthError('ENGINE_ERROR', 'The engine gave no join tokens.');
    return { worker: tokens.Worker, manager: tokens.Manager, managerAddrs: state.remoteManagers.map((m) => m.addr) };
  }

  /** This engine joins a swarm by a token and a manager's address. */
  async join(remoteAddr: string, token: string, advertiseAddr: string): Promise<SwarmState> {
    const before = await this.info();
    if (before.state !== 'inactive') throw new BerthError('CONFLICT', `This engine is already in a swarm (${before.state}).`, { hint: 'Leave it first to join another.' });
    await joinEngine(this.docker, { remoteAddrs: [remoteAddr], token, advertiseAddr }, 'This engine could not join the swarm');
    return this.info();
  }

  /** Joins the engine of the context `name` to this swarm, as a worker or a manager; the node as the manager lists it. */
  async addEngine(name: string, role: NodeRole, advertiseAddr: string): Promise<SwarmNode> {
    const tokens = await this.joinTokens();
    const other = await this.open(name);
    try {
      const there = toSwarmState((await other.docker.info().catch((e: unknown) => Promise.reject(swarmError(e, `The engine "${name}" could not be reached`)))) as Info);
      if (there.state !== 'inactive') {
        // A worker's /info names no cluster: it is this swarm's when a manager here lists its node.
        const same = !!there.nodeId && (await this.nodes()).some((n) => n.id === there.nodeId);
        throw new BerthError('CONFLICT', same ? `The engine "${name}" is already a node of this swarm.` : `The engine "${name}" is already in another swarm (${there.state}).`, {
          hint: same ? 'It is in the node list.' : `Make it leave that swarm first (switch Berth to "${name}", Swarm → Leave).`,
        });
      }
      await joinEngine(other.docker, { remoteAddrs: tokens.managerAddrs, token: role === 'manager' ? tokens.manager : tokens.worker, advertiseAddr }, `The engine "${name}" could not join the swarm`);
      const id = toSwarmState((await other.docker.info()) as Info).nodeId;
      const deadline = Date.now() + APPEAR_MS;
      for (;;) {
        const node = (await this.nodes()).find((n) => n.id === id);
        if (node) return node;
        if (Date.now() > deadline) throw new BerthError('ENGINE_ERROR', `The engine "${name}" joined, but the manager does not list it yet.`, { hint: 'Refresh the node list in a moment.' });
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      other.close();
    }
  }

  /** This engine leaves its swarm; a manager must force it (the swarm may lose its quorum). */
  async leave(force: boolean): Promise<SwarmState> {
    try {
      await this.docker.swarmLeave({ force });
    } catch (e) {
      const err = swarmError(e, 'This engine could not leave the swarm');
      if (/force/i.test(err.message) && !force) {
        throw new BerthError('CONFLICT', 'This engine is a manager: leaving may cost the swarm its quorum, so it must be forced.', {
          hint: 'Demote it first from another manager, or leave with force (a last manager ends the swarm).',
        });
      }
      throw err;
    }
    return this.info();
  }

  async nodes(): Promise<SwarmNode[]> {
    const [list, state] = await Promise.all([this.docker.listNodes().catch((e: unknown) => Promise.reject(swarmError(e, 'The nodes could not be listed'))), this.info()]);
    return (list as NodeInfo[])
      .map((n) => toSwarmNode(n, state.nodeId))
      .sort((a, b) => Number(b.role === 'manager') - Number(a.role === 'manager') || a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
  }

  /** Changes a node's availability, role or labels (labels given replace its own); the node as it is then. */
  async updateNode(id: string, change: { availability?: NodeAvailability; role?: NodeRole; labels?: Record<string, string> }): Promise<SwarmNode> {
    const node = this.docker.getNode(id);
    const current = (await node.inspect().catch((e: unknown) => Promise.reject(swarmError(e, `The node ${id} could not be read`)))) as NodeInfo;
    const spec = { ...(current.Spec ?? {}) };
    if (change.availability) spec.Availability = change.availability;
    if (change.role) spec.Role = change.role;
    if (change.labels) spec.Labels = change.labels;
    try {
      await node.update({ _query: { version: current.Version?.Index ?? 0 }, _body: spec });
    } catch (e) {
      throw swarmError(e, `The node ${current.Description?.Hostname ?? id} could not be changed`);
    }
    const state = await this.info();
    // This engine demoted: it is a worker now, and a worker reads no node. What was asked is done.
    if (id === state.nodeId && change.role === 'worker') return toSwarmNode({ ...current, Spec: spec }, state.nodeId);
    // A role change is done when the managers' Raft group has it: a demote right after a promote
    // is refused by the engine until then ("can't find manager in raft memberlist").
    const deadline = Date.now() + ROLE_MS;
    let last = toSwarmNode({ ...current, Spec: spec }, state.nodeId);
    for (;;) {
      const read = (await node.inspect().catch(() => undefined)) as NodeInfo | undefined;
      if (!read) return last; // the change was made; only its settling could not be watched
      const now = (last = toSwarmNode(read, state.nodeId));
      const settled = !change.role || (change.role === 'manager' ? now.reachability === 'reachable' : now.reachability === undefined);
      if (settled || Date.now() > deadline) return now;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Removes a node from the swarm. One that is still up or still runs tasks is refused in words
   * (drain it and have it leave first), unless forced; this engine's own node leaves instead.
   */
  async removeNode(id: string, force: boolean): Promise<void> {
    const state = await this.info();
    const node = (await this.nodes()).find((n) => n.id === id || n.hostname === id);
    if (!node) throw new BerthError('NOT_FOUND', `The swarm has no node ${id}.`);
    if (node.id === state.nodeId) throw new BerthError('CONFLICT', 'This is the node Berth is talking to: it cannot remove itself.', { hint: 'Leave the swarm instead (Swarm → Leave).' });
    // A node that is down runs nothing, whatever the managers still list for it (they reschedule): it can go, as with `docker node rm`.
    if (!force && node.status !== 'down') {
      const tasks = (await this.docker.listTasks({ filters: JSON.stringify({ node: [node.id], 'desired-state': ['running'] }) })) as unknown as unknown[];
      if (tasks.length) {
        throw new BerthError('IN_USE', `The node ${node.hostname} (${node.id.slice(0, 12)}) still runs ${tasks.length} task${tasks.length === 1 ? '' : 's'}.`, {
          hint: 'Drain it first, so its tasks move to other nodes; or remove it with force.',
        });
      }
      throw new BerthError('CONFLICT', `The node ${node.hostname} (${node.id.slice(0, 12)}) is still ${node.status}: only a node that is down can be removed.`, {
        hint: 'Have that engine leave the swarm first, or remove it with force.',
      });
    }
    try {
      await this.docker.getNode(node.id).remove({ force });
    } catch (e) {
      throw swarmError(e, `The node ${node.hostname} could not be removed`);
    }
  }
}

/** Joins `docker` to a swarm; a join the swarm did not take is undone, so the engine is not left pending. */
async function joinEngine(docker: Dockerode, o: { remoteAddrs: string[]; token: string; advertiseAddr: string }, doing: string): Promise<void> {
  try {
    await docker.swarmJoin({ ListenAddr: '0.0.0.0:2377', AdvertiseAddr: o.advertiseAddr, RemoteAddrs: o.remoteAddrs, JoinToken: o.token });
  } catch (e) {
    const err = swarmError(e, doing);
    if (err.code !== 'CONFLICT') await docker.swarmLeave({ force: true }).catch(() => undefined); // pending or half-joined: nothing left behind
    throw err;
  }
}
