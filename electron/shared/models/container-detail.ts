/** A container's Inspect tab: what `docker run` was given, read from `docker inspect` by the service. */

/** One mount, from the engine's mount list (and `--tmpfs`, which the engine keeps apart). */
export interface ContainerMount {
  type: string; // volume, bind, tmpfs, npipe, ...
  /** A volume's name or a bind's host path; empty for tmpfs. */
  source: string;
  target: string;
  readOnly: boolean;
  /** A volume docker named itself (64 hex digits), for a `-v /path` without a name. */
  anonymous?: boolean;
  /** A `--mount type=tmpfs` mount's size in bytes and its mode. */
  tmpfs?: { size?: number; mode?: number };
  /** A `--tmpfs` mount's options, as typed (`rw,size=64m`). */
  tmpfsOptions?: string;
}

export interface ContainerDetail {
  image: string;
  /** The entrypoint, then the command, as argv. */
  command: string[];
  env: string[];
  mounts: ContainerMount[];
  /** Each exposed port ("80/tcp") with the host addresses it is published on (none: exposed only). */
  ports: { port: string; bindings: { hostIp: string; hostPort: string }[] }[];
  networks: { name: string; ipAddress?: string }[];
  /** As `docker run --restart` takes it; a maximum only for on-failure (0: none). */
  restartPolicy: { name: string; maximumRetryCount: number };
  restartCount: number;
  /** Bytes; 0 when unlimited. */
  memory: number;
  /** CPUs (`--cpus`); 0 when unlimited. */
  cpus: number;
}
