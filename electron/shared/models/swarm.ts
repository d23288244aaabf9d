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

export interface ServicePort {
  target: number;
  published?: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** ingress: the routing mesh (every node); host: only the nodes running a task. */
  mode: 'ingress' | 'host';
}

export interface ServiceSummary {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  /** Tasks running now / wanted (for global: one per eligible node). */
  running: number;
  desired: number;
  ports: ServicePort[];
  /** A rolling update or rollback and how it goes (updating, completed, paused, rollback_started, ...). */
  update?: { state: string; message?: string };
  /** The stack it belongs to (com.docker.stack.namespace), like a compose project. */
  stack?: string;
  created?: number;
  updated?: number;
  /** Its object version: an update names it. */
  version: number;
}

export interface TaskInfo {
  id: string;
  slot?: number;
  nodeId?: string;
  node?: string;
  image: string;
  desiredState: string;
  state: string;
  message?: string;
  error?: string;
  /** When it reached its state (ms). */
  since?: number;
  containerId?: string;
}

/** What the Run dialog's fields give a service. */
export interface ServiceSpecInput {
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  replicas?: number;
  command?: string[];
  env?: string[];
  ports?: { target: number; published?: number; protocol?: 'tcp' | 'udp'; mode?: 'ingress' | 'host' }[];
  networks?: string[];
  constraints?: string[];
  /** At most this many tasks on one node (replicated). */
  maxPerNode?: number;
  labels?: Record<string, string>;
  /** The image's entrypoint replaced (docker run --entrypoint); `command` is its arguments. */
  entrypoint?: string[];
  mounts?: (
    | { type: 'volume'; source?: string; target: string; readOnly?: boolean }
    | { type: 'bind'; source: string; target: string; readOnly?: boolean }
    | { type: 'tmpfs'; target: string; sizeBytes?: number }
  )[];
  restart?: { condition: 'none' | 'on-failure' | 'any'; maxAttempts?: number };
  /** Limits per task. */
  cpus?: number;
  memoryBytes?: number;
  user?: string;
  workdir?: string;
  hostname?: string;
  readOnly?: boolean;
  init?: boolean;
  tty?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  hosts?: { host: string; ip: string }[];
  health?: 'none' | { command: string; intervalMs?: number; timeoutMs?: number; startPeriodMs?: number; retries?: number };
}
