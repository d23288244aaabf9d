/** Swarm secrets, configs and overlay networks, as the Swarm page shows them (never a secret's value). */

export type SwarmDataKind = 'secret' | 'config';

/** A service that mounts a secret or config, and where. */
export interface SwarmDataUse {
  serviceId: string;
  service: string;
  /** Where its tasks see it: /run/secrets/<name> by default for a secret, an absolute path for a config. */
  target: string;
}

/** A secret or a config: its name and where it is used, never its value. */
export interface SwarmData {
  id: string;
  kind: SwarmDataKind;
  name: string;
  created?: number;
  updated?: number;
  labels: Record<string, string>;
  usedBy: SwarmDataUse[];
  /** The stack it belongs to (com.docker.stack.namespace). */
  stack?: string;
}

/** An overlay network of the swarm, with what uses it. */
export interface OverlayNetwork {
  id: string;
  name: string;
  attachable: boolean;
  encrypted: boolean;
  /** The swarm's routing-mesh network (made by the engine; not removable while the swarm uses it). */
  ingress: boolean;
  subnets: string[];
  created?: number;
  /** Services whose tasks join it. */
  services: { id: string; name: string }[];
  /** Host names of the nodes that run a task on it now. */
  nodes: string[];
  stack?: string;
}
