/** Swarm mode: the engine's own cluster, as the Swarm page shows it. */

/** The engine's place in a swarm (`/info` Swarm.LocalNodeState). */
export type SwarmLocalState = 'inactive' | 'pending' | 'active' | 'error' | 'locked';

export interface SwarmState {
  state: SwarmLocalState;
  /** This engine's node, when in a swarm. */
  nodeId?: string;
  /** The address other nodes reach this one at (the advertise address in use). */
  nodeAddr?: string;
  /** This engine is a manager: it can list nodes, show join tokens, add and remove nodes. */
  manager: boolean;
  clusterId?: string;
  nodes?: number;
  managers?: number;
  /** The managers this node knows, each with its address (host:port). */
  remoteManagers: { nodeId: string; addr: string }[];
  /** The engine's words when the state is error. */
  error?: string;
}

export type NodeRole = 'worker' | 'manager';
export type NodeAvailability = 'active' | 'pause' | 'drain';

export interface SwarmNode {
  id: string;
  hostname: string;
  role: NodeRole;
  availability: NodeAvailability;
  /** ready, down, unknown, disconnected. */
  status: string;
  /** The engine's words on the status (e.g. why a node is down). */
  message?: string;
  addr: string;
  leader: boolean;
  /** A manager's reachability in the Raft group: reachable, unreachable, unknown. */
  reachability?: string;
  engineVersion: string;
  /** The node's labels (editable), and the engine's own (from its daemon.json, read only). */
  labels: Record<string, string>;
  engineLabels: Record<string, string>;
  cpus: number;
  memoryBytes: number;
  os: string;
  arch: string;
  /** The node Berth is talking to. */
  self: boolean;
  /** Its object version: an update names it, so two edits at once do not overwrite each other. */
  version: number;
}

export interface JoinTokens {
  worker: string;
  manager: string;
  /** Where a joining engine reaches this swarm's managers (host:port). */
  managerAddrs: string[];
}
