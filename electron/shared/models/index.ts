/** UI-facing DTOs: what the API returns, flattened from Docker's shapes. */
import type { ErrorCode } from '../errors';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

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
  /** 'none' when the container has no health check (or is not running it). */
  health: ContainerHealth;
  /** Probes failed in a row (the engine's FailingStreak); only with a health check. */
  failingStreak?: number;
}

export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy' | 'none';

/** A container's health check and its last probes (the detail page's Health tab). */
export interface HealthReport {
  status: ContainerHealth;
  failingStreak: number;
  /** Undefined when the container has no health check (or it is disabled). Durations in ms. */
  check?: { command: string; interval: number; timeout: number; retries: number; startPeriod: number };
  /** The engine keeps the last five; newest first. Times in unix ms. */
  probes: { start: number; end: number; exitCode: number; output: string }[];
}

/** A container's health changed (the engine's `health_status` event). */
export interface HealthChange {
  id: string;
  name: string;
  status: Exclude<ContainerHealth, 'none'>;
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
  more?: true; // the line is longer than 64 KiB and goes on in the next LogLine
  source?: string; // in a compose project's merged log: the service (or container) it came from
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

/** One step of a BuildKit build (a vertex of its graph): what it runs, its state and times. */
export interface BuildStep {
  id: string; // BuildKit's digest of the step
  number: number; // "#n", as in the docker CLI's plain progress and in the log lines
  name: string; // "[build 2/4] RUN make"
  parents: string[]; // ids of the steps it takes input from
  state: 'waiting' | 'running' | 'cached' | 'done' | 'error';
  startedAt?: number; // ms since the epoch (engine clock)
  completedAt?: number;
  error?: string;
}

/** Build output: log text and the steps so far while it runs, the image id at the end. */
export interface BuildEvent {
  text?: string;
  steps?: BuildStep[];
  imageId?: string;
}

/** An image's page: what `docker image inspect` and `docker history` say, and who uses it. */
export interface ImageDetail extends ImageSummary {
  architecture: string;
  os: string;
  config: {
    entrypoint: string[];
    cmd: string[];
    env: string[];
    exposedPorts: string[]; // "80/tcp"
    labels: Record<string, string>;
    workingDir: string;
    user: string;
  };
  layers: HistoryLayer[];
  usedBy: { id: string; name: string; state: ContainerState }[];
}

/** A volume's page: the summary with its size (from `system df`; -1 when the engine did not say) and options. */
export interface VolumeDetail extends VolumeSummary {
  scope: string;
  options: Record<string, string>;
  size: number;
}

/** A network's page: the summary with its addressing and the members' addresses and aliases. */
export interface NetworkDetail extends NetworkSummary {
  ipam: { subnet: string; gateway?: string; ipRange?: string }[];
  ipv6: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  members: { id: string; name: string; ipv4?: string; ipv6?: string; mac?: string; aliases: string[] }[];
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
  store: LoginStore;
}

/**
 * Where a login is kept: by a credential helper the docker config names, in the docker config's
 * `auths` itself (unencrypted, base64), or in Berth's own file (logins made before Berth shared
 * the docker CLI's; read, never written).
 */
/** `picked`: the docker CLI's own default store, as the config names none (a login made names it there). */
export type LoginStore = { kind: 'helper'; helper: string; file: string; picked?: true } | { kind: 'config'; file: string } | { kind: 'berth'; file: string };

/** A registry's repositories or a repository's tags, as read; `more` when it had more than Berth reads (10,000). */
export interface RegistryListing {
  items: string[];
  more: boolean;
}

/** `docker system df`, with what a cleanup would reclaim. */
export interface DiskUsage {
  images: { count: number; size: number; reclaimable: number };
  containers: { count: number; size: number; reclaimable: number };
  volumes: { count: number; size: number; reclaimable: number };
  buildCache: { count: number; size: number; reclaimable: number };
}

/** The Berth VM's data disk as the host sees it, shown beside `system df` when the engine in use is the VM. */
export interface VmDiskInfo {
  /** The disk file on the host. */
  file: string;
  /** Whether it is there yet (the VM's first start makes it). */
  exists: boolean;
  /** Bytes the file takes on the host's disk now (its allocated blocks: holes take none). */
  allocated: number;
  /** The most it can take: the disk's size as the VM sees it. */
  max: number;
  /** Whether the VM runs, or is paused by the resource saver (compacting needs it; a paused VM is resumed for it). */
  running: boolean;
}

/** What compacting the VM disk gave back to the host: its allocated bytes before and after. */
export interface VmDiskCompaction {
  before: number;
  after: number;
  /** The free space the guest trimmed (all of its free space: most of it may have been given back already). */
  trimmed: number;
  max: number;
}

export type CleanupKind = 'containers' | 'dangling-images' | 'unused-images' | 'volumes' | 'build-cache';

/** What a cleanup would remove (preview) or removed (result). */
export interface CleanupPlan {
  kind: CleanupKind;
  items: { id: string; name: string; size: number }[];
  size: number;
  /** In a result: previewed items left in place (in use since the preview, or refused by the engine), with the reason in words. */
  kept?: { id: string; name: string; reason: string }[];
}

/** An engine Berth can switch to: one of Berth's own (its VM, the ones added in Berth) or a context of the docker CLI. */
export interface EngineContext {
  name: string;
  host: string; // DOCKER_HOST-style address, as written
  active: boolean;
  /** Not removable in Berth: the VM, and every context of the docker CLI ("default" included). */
  builtIn: boolean;
  /** Berth's own (the VM, an engine added in Berth), or a context of the docker CLI (its `default` and every one under contexts/meta). */
  source: 'berth' | 'docker-cli';
  /** The context's description (its meta.json's Metadata.Description). */
  description?: string;
  /** It reaches a tcp:// engine over TLS (DOCKER_TLS_VERIFY / DOCKER_TLS, or the context's TLS material). */
  tls?: EngineTls;
  /** Why Berth cannot use it (TLS material missing or unreadable, npipe, an address it cannot read), in words; such a one cannot be chosen. */
  problem?: string;
  /** On the active one: why it is the engine in use ("chosen in Berth", "from DOCKER_CONTEXT", ...). */
  why?: string;
}

/** How an engine is reached over TLS: the files (paths, never their content) and whether its certificate is verified. */
export interface EngineTls {
  /** Checks the engine's certificate (against `ca`, else the system's CAs); false: DOCKER_TLS or SkipTLSVerify. */
  verify: boolean;
  /** The folder the files are in, as DOCKER_CERT_PATH names one (ca.pem, cert.pem, key.pem). */
  dir: string;
  /** The CA to verify the engine with; none: the system's CAs (a context without ca.pem). */
  ca?: string;
  /** The client certificate and its key, given together or not at all. */
  cert?: string;
  key?: string;
}

/** The engines, and what Berth could not read of the docker CLI's config and contexts (each naming its file or context). */
export interface EngineList {
  contexts: EngineContext[];
  problems: string[];
}

/** The built-in contexts: the docker CLI's default (DOCKER_HOST, else the platform's socket), and the Berth VM's. */
export const DEFAULT_CONTEXT = 'default';
export const VM_CONTEXT = 'berth-vm';

/** Whether a context's engine answers now; `answers` is null where Berth does not check (ssh://). */
export interface ContextProbe {
  name: string;
  host: string;
  active: boolean;
  answers: boolean | null;
  /** Why it does not answer, in words. */
  reason?: string;
}

/** Whether Berth can run `compose up`/`down`, and with what. */
export interface ComposeStatus {
  available: boolean;
  command?: string; // e.g. "docker compose"
  version?: string;
  reason?: string; // why not, and what to install
}

/** A service of a compose project as Compose sees it; `not created` when the files declare it and it has no container. */
export interface ComposeServiceRow {
  service: string;
  state: 'running' | 'paused' | 'restarting' | 'exited' | 'created' | 'dead' | 'removing' | 'not created';
  /** Its containers (replicas). */
  containers: number;
  /** Compose's words, e.g. "Up 2 minutes (healthy)". */
  status?: string;
  health?: string;
  exitCode?: number;
}

/** A compose project: how it was brought up and its services. */
export interface ComposeProjectInfo {
  project: string;
  files: string[];
  envFile?: string;
  profiles: string[];
  workingDir: string;
  /** Where that came from: Berth's own record of its up, or the labels of the project's containers (started elsewhere). */
  source: 'berth' | 'labels';
  services: ComposeServiceRow[];
  /** Why the files could not be read (moved, broken): the services are then only those with containers. */
  problem?: string;
}

export type EngineState = 'connecting' | 'up' | 'unreachable';

export type EngineProduct = 'docker' | 'podman';

/** What the footer and banners call an engine: "Podman 4.3.1", or "Engine 24.0.5" for Docker. */
export const engineLabel = (s: { product?: EngineProduct; version?: string }): string => `${s.product === 'podman' ? 'Podman' : 'Engine'} ${s.version ?? ''}`.trim();

export interface EngineStatus {
  state: EngineState;
  endpoint: string;
  version?: string;
  /** Which engine answers (from /version's Components): Podman's Docker-compatible service differs in places. */
  product?: EngineProduct;
  reason?: string; // why unreachable
  /** Unreachable because the engine takes requests but answers none (hung or overloaded), not because it is gone. */
  notAnswering?: boolean;
  /** Unreachable because the SSH host's key is not the known one: the key shown, for a "trust this host" step (none when it changed). */
  hostKey?: RefusedHostKey;
  since: number; // unix ms of the last state change
}

export interface RefusedHostKey {
  /** As known_hosts names it: "host" or "[host]:port". */
  host: string;
  /** As OpenSSH prints it: "SHA256:...". */
  fingerprint: string;
  /** True: known_hosts has another key for this host (refused hard, nothing to trust). */
  changed: boolean;
}

export interface PruneReport {
  removed: string[];
  spaceReclaimed: number;
}

/** What a push says changed; `swarm`: its nodes, services, secrets or configs (a manager's events). */
export type ResourceKind = 'containers' | 'images' | 'volumes' | 'networks' | 'swarm';

/** paused: auto-paused while idle (no container running, no API call); the next call resumes it. */
export type VmState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping' | 'error';

export interface VmStatus {
  state: VmState;
  /** While starting: the boot step in words ("Booting Linux and connecting over SSH", ...). */
  step?: string;
  /** While starting: how far the start is, 0..1, where the backend can tell. */
  progress?: number;
  /** While starting: when this start began (unix ms), kept across its steps. */
  startedAt?: number;
  /** While starting: how long the last start that reached running took (ms), when known. */
  expectedMs?: number;
  /** Why it is in error. */
  reason?: string;
  /** In error: the failure's code (CONFLICT: a refusal a retry does not change, such as an older engine; UNAVAILABLE: something to install first). */
  errorCode?: ErrorCode;
  since: number; // unix ms of the last change
}

/** A container's published port as the VM forwards it to the host: 127.0.0.1, or 0.0.0.0 when the preference allows it. */
export interface ForwardedPort {
  protocol: 'tcp' | 'udp';
  port: number;
  address: '127.0.0.1' | '0.0.0.0';
}

/** The Berth VM as the app, the tray and `berth vm status` see it. */
export interface VmInfo extends VmStatus {
  /** qemu or mock; empty when no VM daemon runs. */
  backend: string;
  /** While running: the engine on the host (`unix://...`). */
  dockerHost?: string;
  ssh?: { host: string; port: number };
  /** Host ports forwarded into the VM right now (TCP or UDP). */
  ports: number[];
  /** The same forwards, each with its protocol and the host address it is on. */
  forwards?: ForwardedPort[];
  /** Published ports that could not be forwarded, in words. */
  warnings: string[];
}
export * from './usage';
export * from './container-detail';
export * from './swarm';
export * from './stacks';
export * from './swarm-secrets';
