/** UI-facing DTOs: what the API returns, flattened from Docker's shapes. */

export type ContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface PortMapping {
  privatePort: number;
  publicPort?: number;
  ip?: string;
  type: 'tcp' | 'udp' | 'sctp';
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  command: string;
  state: ContainerState;
  status: string; // engine's human text, e.g. "Up 3 minutes"
  created: number; // unix ms
  ports: PortMapping[];
  labels: Record<string, string>;
  composeProject?: string;
}

export interface ImageSummary {
  id: string;
  tags: string[]; // repo:tag, empty when dangling
  digests: string[];
  size: number; // bytes
  created: number; // unix ms
  containers: number; // number of containers using it, -1 when unknown
  dangling: boolean;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  mountpoint: string;
  created?: number; // unix ms
  labels: Record<string, string>;
  inUse: boolean; // referenced by at least one container (running or not)
  usedBy: string[]; // container names
}

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  subnets: string[];
  internal: boolean;
  builtin: boolean; // bridge, host, none: cannot be removed
  created?: number;
  containers: { id: string; name: string }[];
}

/** One log line; the engine's timestamp split off so the UI can show or hide it without reloading. */
export interface LogLine {
  text: string;
  time?: string; // RFC 3339 with nanoseconds, as the engine writes it
  err?: true; // written to stderr
}

/** One stats reading, computed as `docker stats` computes it. Byte counters are cumulative. */
export interface StatsSample {
  time: number; // unix ms
  cpuPercent: number; // 100 = one full core
  memUsage: number; // bytes, page cache excluded
  memLimit: number; // bytes
  netRx: number;
  netTx: number;
  blkRead: number;
  blkWrite: number;
  pids: number;
}

/** One entry of a folder inside a container. */
export interface FileEntry {
  name: string;
  type: 'dir' | 'file' | 'link' | 'other';
  size: number; // bytes
  mode: string; // permissions as `ls -l` shows them, e.g. "rwxr-xr-x"
  mtime: number; // unix ms
  target?: string; // where a symlink points
  /** A symlink that leads to a folder (so opening it browses into it). */
  dirLink?: boolean;
}

export interface FolderListing {
  path: string; // absolute, normalised
  entries: FileEntry[];
  /**
   * How it was read: `exec` runs a tiny POSIX script in the running container; `archive` reads the
   * engine's tar of the folder (works for stopped containers and images without a shell).
   */
  via: 'exec' | 'archive';
}

/** Progress of a file download or upload. */
export interface TransferProgress {
  bytes: number;
}

/** One line of pull/push progress: per layer (`id`) or for the whole image (no `id`). */
export interface LayerProgress {
  id?: string;
  status: string; // "Downloading", "Pull complete", "Pushed", ...
  current?: number; // bytes
  total?: number;
}

/** Build output: text lines while it runs, the image id at the end. */
export interface BuildEvent {
  text?: string;
  imageId?: string;
}

/** One layer of an image's history, newest first (as `docker history`). */
export interface HistoryLayer {
  id: string; // "<missing>" for layers built elsewhere
  created: number; // unix ms
  createdBy: string; // the instruction
  size: number;
  tags: string[];
  comment: string;
}

/** A registry Berth has credentials for (the password never leaves the main process). */
export interface RegistryLogin {
  server: string;
  username: string;
}

/** `docker system df`, with what a cleanup would reclaim. */
export interface DiskUsage {
  images: { count: number; size: number; reclaimable: number };
  containers: { count: number; size: number; reclaimable: number };
  volumes: { count: number; size: number; reclaimable: number };
  buildCache: { count: number; size: number; reclaimable: number };
}

export type CleanupKind = 'containers' | 'dangling-images' | 'unused-images' | 'volumes' | 'build-cache';

/** What a cleanup would remove (preview) or removed (result). */
export interface CleanupPlan {
  kind: CleanupKind;
  items: { id: string; name: string; size: number }[];
  size: number;
}

/** An engine Berth can switch to. */
export interface EngineContext {
  name: string;
  host: string; // DOCKER_HOST-style address
  active: boolean;
  /** "default": from BERTH_DOCKER_HOST / DOCKER_HOST / settings; cannot be removed. */
  builtIn: boolean;
}

/** Whether Berth can run `compose up`/`down`, and with what. */
export interface ComposeStatus {
  available: boolean;
  command?: string; // e.g. "docker compose"
  version?: string;
  reason?: string; // why not, and what to install
}

export type EngineState = 'connecting' | 'up' | 'unreachable';

export interface EngineStatus {
  state: EngineState;
  endpoint: string;
  version?: string;
  reason?: string; // why unreachable
  since: number; // unix ms of the last state change
}

export interface PruneReport {
  removed: string[];
  spaceReclaimed: number;
}

export type ResourceKind = 'containers' | 'images' | 'volumes' | 'networks';

export type VmState = 'stopped' | 'starting' | 'running' | 'stopping' | 'error';

export interface VmStatus {
  state: VmState;
  /** While starting: the boot step in words ("Booting Linux and connecting over SSH", ...). */
  step?: string;
  /** Why it is in error. */
  reason?: string;
  since: number; // unix ms of the last change
}

/** The Berth VM as the app, the tray and `berth vm status` see it. */
export interface VmInfo extends VmStatus {
  /** qemu, vfkit or mock; empty when no VM daemon runs. */
  backend: string;
  /** While running: the engine on the host (`unix://...`). */
  dockerHost?: string;
  ssh?: { host: string; port: number };
  /** Host ports (127.0.0.1) forwarded into the VM right now. */
  ports: number[];
  /** Published ports that could not be forwarded, in words. */
  warnings: string[];
}
