/**
 * THE map of Berth's API: every request with its argument schema and result type, and every push
 * event with its payload. Adding a call = one line here + one handler; the compiler finds the rest.
 * Schemas are checked by the router in the main process; the renderer only imports types.
 */
import { z } from 'zod';
import type { ErrorPayload } from './errors';
import { imageIdOrReference, imageReference, ipAddress } from './validation';
import { UPLOAD_PIECE } from './transfer';
import { JOB_KINDS, JOB_STATUSES, JOBS_KEPT, type JobReport } from './jobs';
import { absPath, mountSpec, runSpec, userSpec, type RunSpecInput } from './run-spec';
import { stackRequests, stackStreams } from './stacks-contract';
import { swarmSecretRequests } from './swarm-secrets-contract';
import type {
  ContainerDetail,
  JoinTokens,
  ServiceSummary,
  TaskInfo,
  SwarmNode,
  SwarmState,
  ContainerSummary,
  HealthChange,
  HealthReport,
  BuildEvent,
  CleanupKind,
  CleanupPlan,
  ComposeStatus,
  ComposeProjectInfo,
  DiskUsage,
  ContextProbe,
  EngineList,
  HistoryLayer,
  ImageDetail,
  NetworkDetail,
  VolumeDetail,
  LayerProgress,
  RegistryLogin,
  LoginStore,
  RegistryListing,
  EngineStatus,
  FolderListing,
  ImageSummary,
  LogLine,
  NetworkSummary,
  StatsSample,
  UsageSnapshot,
  PruneReport,
  TransferProgress,
  ResourceKind,
  VolumeSummary,
  VmInfo,
  VmDiskCompaction,
  VmDiskInfo,
} from './models';

/** Declares a request: `request<Result>()(argsSchema)`. Curried so the args type is inferred. */
const request =
  <R>() =>
  <A extends z.ZodType>(args: A) => ({ args, result: undefined as unknown as R });

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** Container / volume / network name as Docker accepts it. */
export const resourceName = z.string().max(128).regex(NAME_RE, 'must start with a letter or digit and use only letters, digits, "_", "." and "-"');
/** A container, volume or network id or name. */
const ref = z.string().min(1).max(256).regex(NAME_RE, 'is not a valid id or name');
/** An image id (sha256:...) or reference (registry/repo:tag@digest), by Docker's grammar with the reason in words. */
const imageRef = imageIdOrReference;
/** A reference to pull, push or tag as, checked by Docker's grammar with the reason in words. */
const reference = imageReference;
const CLEANUP_KINDS = ['containers', 'dangling-images', 'unused-images', 'volumes', 'build-cache'] as const satisfies readonly CleanupKind[];
const ids = (item: z.ZodType<string>) => z.array(item).min(1).max(1000);

/** A command to run: at most 128 KiB in all (the kernel takes a few MiB of arguments), no NUL. */
const execArgs = z
  .array(
    z
      .string()
      .max(65536)
      .refine((a) => !a.includes('\0'), 'must not hold a NUL character'),
  )
  .min(1)
  .max(1024)
  .refine((a) => a.reduce((n, s) => n + s.length + 1, 0) <= 128 * 1024, 'must be at most 128 KiB in all');

/** A Dockerfile instruction `docker commit --change` takes. */
export const COMMIT_INSTRUCTIONS = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'HEALTHCHECK', 'STOPSIGNAL'] as const;
const commitChange = z
  .string()
  .max(4096)
  .refine((c) => new RegExp(`^\\s*(${COMMIT_INSTRUCTIONS.join('|')})\\s+\\S`, 'i').test(c), `must be a Dockerfile instruction that a commit takes: ${COMMIT_INSTRUCTIONS.join(', ')}`)
  .refine((c) => !/[\r\n\0]|\\\s*$/.test(c), 'must be one line (no line breaks or a continuing backslash)');

const CIDR_V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
export const cidr = z.string().refine((s) => {
  const m = CIDR_V4.exec(s);
  if (m) return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  const [addr, bits, ...rest] = s.split('/');
  return rest.length === 0 && /^[0-9a-fA-F:]+$/.test(addr ?? '') && addr!.includes(':') && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= 128;
}, 'must be a subnet in CIDR form, e.g. 172.30.0.0/16');

/** A registry's host[:port], as image references name it. */
const registryHost = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[a-zA-Z0-9.:[\]-]+$/, 'must be a registry host, e.g. registry.example.com:5000');
/** A repository path in a registry (team/app), by the distribution spec's grammar. */
const repositoryPath = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/, 'must be a repository name in lower case, e.g. team/app');
const none = z.object({}).strict();
/** A swarm address: an IP or interface name, with a port or not (192.168.1.5, eth0, 10.0.0.2:2377, [fd00::1]:2377). */
const swarmAddr = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9.:[\]%_-]+$/, 'must be an address or interface name, e.g. 192.168.1.5, eth0 or 10.0.0.2:2377');
/** A swarm join token: SWMTKN-1-<hash>-<secret>. */
const joinToken = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9-]+$/, 'must be a join token, as `docker swarm join-token` prints it (SWMTKN-1-…)');
const nodeRole = z.enum(['worker', 'manager']);
const port = z.number().int().min(1).max(65535);
/** A swarm service from the Run dialog's fields that apply to one. */
const serviceSpecInput = z
  .object({
    name: z.string().min(1).max(63).regex(NAME_RE, 'must start with a letter or digit, then letters, digits, "_", "." or "-"'),
    image: imageReference,
    mode: z.enum(['replicated', 'global']).default('replicated'),
    replicas: z.number().int().min(0).max(1000).optional(),
    command: z.array(z.string().max(4096)).max(256).optional(),
    env: z
      .array(
        z
          .string()
          .min(1)
          .max(32768)
          .regex(/^[^=\s][^=]*=/, 'must be NAME=value'),
      )
      .max(1000)
      .optional(),
    ports: z
      .array(z.object({ target: port, published: port.optional(), protocol: z.enum(['tcp', 'udp']).optional(), mode: z.enum(['ingress', 'host']).optional() }).strict())
      .max(100)
      .optional(),
    networks: z.array(ref).max(20).optional(),
    constraints: z.array(z.string().min(1).max(512)).max(50).optional(),
    maxPerNode: z.number().int().min(1).max(1000).optional(),
    labels: z.record(z.string().min(1).max(255), z.string().max(4096)).optional(),
    entrypoint: z.array(z.string().max(65536)).max(1024).optional(),
    mounts: z.array(mountSpec).max(100).optional(),
    /** When a task that ended is started again (docker run's restart policy, as a service says it). */
    restart: z
      .object({ condition: z.enum(['none', 'on-failure', 'any']), maxAttempts: z.number().int().min(0).max(1000).optional() })
      .strict()
      .optional(),
    cpus: z.number().positive().max(1024).optional(), // a limit per task
    memoryBytes: z
      .number()
      .int()
      .min(6 * 1024 * 1024)
      .optional(),
    user: userSpec.optional(),
    workdir: absPath.optional(),
    hostname: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be letters, digits, "-" and "."')
      .optional(),
    readOnly: z.boolean().optional(),
    init: z.boolean().optional(),
    tty: z.boolean().optional(),
    capAdd: z
      .array(z.string().regex(/^(CAP_)?[A-Z_]+$|^ALL$/))
      .max(64)
      .optional(),
    capDrop: z
      .array(z.string().regex(/^(CAP_)?[A-Z_]+$|^ALL$/))
      .max(64)
      .optional(),
    hosts: z
      .array(
        z
          .object({
            host: z
              .string()
              .min(1)
              .max(253)
              .regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/),
            ip: ipAddress,
          })
          .strict(),
      )
      .max(100)
      .optional(),
    health: z
      .union([
        z.literal('none'),
        z
          .object({
            command: z.string().trim().min(1).max(65536),
            intervalMs: z.number().int().min(1).max(86_400_000).optional(),
            timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
            startPeriodMs: z.number().int().min(1).max(86_400_000).optional(),
            retries: z.number().int().min(1).max(1000).optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();
/** A label key, as the engine takes them (com.example.zone). */
const labelKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._/-]+$/, 'must be a label key of letters, digits, dots, dashes, slashes');
/** An absolute path inside a container. */
const containerPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path (starting with "/")')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
/** A path on the machine Berth runs on: absolute, or starting at the home folder (~). */
/** A BuildKit secret's id, as `RUN --mount=type=secret,id=...` names it. */
const secretId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, ".", "_" or "-"');
const hostPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /^(\/|~(\/|$)|[A-Za-z]:[\\/])/.test(p), 'must be an absolute path (or start with ~/)')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');
/** A Compose project name, by Compose's own rule. */
export const projectName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must use lowercase letters, digits, "-" and "_", starting with a letter or digit');
/** A Compose profile name, by Compose's own rule. */
export const composeProfile = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must start with a letter or digit and use only letters, digits, "_", "." and "-"');
/** A Compose service name, by Compose's own rule. */
export const composeService = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must start with a letter or digit and use only letters, digits, "_", "." and "-"');
/** A compose project's model: its files in order (a folder stands for its compose file), an env file. */
const composeSource = {
  files: z.array(hostPath).min(1, 'must name at least one compose file').max(32),
  envFile: hostPath.optional(),
};
/** One file name: no slashes, not "." or "..". */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[/\0]/.test(n) && n !== '.' && n !== '..', 'must be a file name without "/"');
const labels = z.record(z.string().min(1).max(256), z.string().max(4096));

/** A context (one engine Berth can switch to) as the user names it. */
export const contextName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'must start with a letter or digit and use letters, digits, spaces, "_", "." and "-"');

/** What the Settings page edits besides engines (kept in Berth's settings file). */
export const preferences = z
  .object({
    startAtLogin: z.boolean(),
    /** Quitting Berth stops the VM cleanly first. */
    quitStopsVm: z.boolean(),
    /** Berth starts its VM at launch when the VM is the engine in use. */
    startVm: z.boolean(),
    /** The user's docker CLI uses Berth's engine (currentContext "berth" in their docker config). */
    dockerCli: z.boolean(),
    /** A port a VM container publishes on all addresses is on all of this computer's addresses too (0.0.0.0: reachable from the network); off: 127.0.0.1 only. */
    portsOnAllAddresses: z.boolean().optional(),
    theme: z.enum(['system', 'light', 'dark']),
  })
  .strict();
export type Preferences = z.infer<typeof preferences>;

/** Values the settings file held that Berth dropped on load (each a sentence naming the field). */
export interface SettingsProblems {
  file: string;
  warnings: string[];
  /** Where the file as it was is kept (settings.json.bad-<time>). */
  copy?: string;
}

/** The VM's size (applied at its next start). */
export const vmResources = z
  .object({
    cpus: z.number().int().min(1).max(64),
    memoryMiB: z.number().int().min(512).max(262144),
    /** The data disk only grows: a smaller size than it has is refused. */
    diskGiB: z.number().int().min(8).max(4096),
    /** Minutes with no running container and no API call before the VM is paused (0: never). The page offers whole minutes; the bench sets 0.05 (3 s), the least there is: less would pause and wake the VM all the time. */
    autoPauseMinutes: z
      .number()
      .max(1440)
      .refine((m) => m === 0 || m >= 0.05, 'Pause after 0.05 minutes (3 s) or more, or 0 for never.'),
  })
  .strict();
/** The VM's size and its auto-pause: what the settings keep and what a VM backend boots with. */
export type VmResources = z.infer<typeof vmResources>;
/** The VM's size when the settings do not say. */
export const DEFAULT_RESOURCES = { cpus: 2, memoryMiB: 2048, diskGiB: 64, autoPauseMinutes: 5 } satisfies VmResources;

export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'pause', 'unpause', 'kill'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** Outcome of an action over several resources: each one succeeds or fails on its own. */
export type BulkResult = { id: string; ok: true } | { id: string; ok: false; error: ErrorPayload };

/** One job as the renderer reports it (electron/shared/jobs.ts). */
const jobReport = z
  .object({
    id: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    kind: z.enum(JOB_KINDS),
    target: z.string().max(256),
    status: z.enum(JOB_STATUSES),
    percent: z.number().int().min(0).max(100).optional(),
    error: z.string().max(1024).optional(),
  })
  .strict();

export const requests = {
  'engine.status': request<EngineStatus>()(none),
  /** Looks for the engine in use again now, instead of at the next retry; resolves with the outcome. */
  'engine.retry': request<EngineStatus>()(none),
  /** "Trust this host": the ssh:// engine's refused host key (the fingerprint the user was shown) goes into known_hosts; then connects. */
  'engine.trustHostKey': request<EngineStatus>()(z.object({ fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict()),

  /** The engines Berth can switch between: its own and every docker CLI context, the one in use with why; what Berth could not read, in words. */
  'contexts.list': request<EngineList>()(none),
  /** Switches every view to another engine (kept in the settings). */
  'contexts.use': request<void>()(z.object({ name: z.string().min(1).max(64) }).strict()),
  'contexts.add': request<EngineList>()(z.object({ name: contextName, host: z.string().trim().min(1).max(1024) }).strict()),
  'contexts.remove': request<EngineList>()(z.object({ name: z.string().min(1).max(64) }).strict()),
  /** Which engines answer now (a ping each, 1.5 s at most): what the unreachable banner offers. */
  'contexts.probe': request<ContextProbe[]>()(none),

  /** The Berth VM: state, start (resolves when running; steps arrive as vm:status), stop, console. */
  'vm.status': request<VmInfo>()(none),
  'vm.start': request<VmInfo>()(none),
  'vm.stop': request<VmInfo>()(none),
  'vm.log': request<string>()(none),
  'vm.resources': request<z.infer<typeof vmResources>>()(none),
  /** Applied at the VM's next start; the disk only grows. */
  'vm.resources.update': request<z.infer<typeof vmResources>>()(vmResources.partial().strict()),

  /** The preferences, and what Berth could not use of its settings file (dropped values, in words). */
  'preferences.get': request<z.infer<typeof preferences> & { settingsProblems?: SettingsProblems }>()(none),
  /** Changes some preferences (validated, written atomically); the result is all of them. */
  'preferences.update': request<z.infer<typeof preferences>>()(preferences.partial().strict()),
  /** The user's answer to "a berth docker context of yours is there": keep a copy, replace it, switch the CLI to Berth. */
  'preferences.replaceDockerContext': request<z.infer<typeof preferences> & { replacedContextCopy?: string }>()(none),

  'containers.list': request<ContainerSummary[]>()(none),
  /** The engine's inspect JSON, for the Inspect tab's text (no view reads it: the facts are `containers.detail`). */
  'containers.inspect': request<unknown>()(z.object({ id: ref }).strict()),
  'containers.detail': request<ContainerDetail>()(z.object({ id: ref }).strict()),
  /** The Inspect tab's both: the JSON as text and its facts, from one read of the engine. */
  'containers.inspectView': request<{ json: unknown; detail: ContainerDetail }>()(z.object({ id: ref }).strict()),
  'containers.health': request<HealthReport>()(z.object({ id: ref }).strict()),
  /** The run spec that makes a container like this one ("run again", "copy as docker run"). */
  'containers.runSpec': request<{ spec: RunSpecInput; left: string[] }>()(z.object({ id: ref }).strict()),
  'containers.rename': request<void>()(z.object({ id: ref, name: resourceName.min(2, 'must be at least 2 characters') }).strict()),
  'containers.commit': request<{ id: string }>()(
    z
      .object({
        id: ref,
        ref: reference.optional(),
        message: z.string().max(4096).optional(),
        author: z.string().max(256).optional(),
        changes: z.array(commitChange).max(100).default([]),
        pause: z.boolean().default(true),
      })
      .strict(),
  ),
  /** Where this computer reaches a port container `id` publishes (for an ssh:// engine, a port Berth forwards). */
  'ports.address': request<{ address: string; url: string }>()(z.object({ id: ref, port: z.number().int().min(1).max(65535), ip: ipAddress.or(z.literal('')).optional() }).strict()),
  'containers.action': request<BulkResult[]>()(z.object({ ids: ids(ref), action: z.enum(CONTAINER_ACTIONS) }).strict()),
  /** Create and start; nothing is left behind when either fails. */
  'containers.run': request<{ id: string; name: string }>()(runSpec),
  'containers.remove': request<BulkResult[]>()(z.object({ ids: ids(ref), force: z.boolean().default(false), volumes: z.boolean().default(false) }).strict()),
  /** The first level of a folder in the container's filesystem. */
  'containers.files.list': request<FolderListing>()(z.object({ id: ref, path: containerPath }).strict()),

  /** Whether a Compose v2 CLI is there to run `compose up`/`down`; `recheck` looks for it again. */
  'compose.status': request<ComposeStatus>()(z.object({ recheck: z.boolean().default(false) }).strict()),
  /** The profiles a project's files declare (`config --profiles`), once Compose has checked the files. */
  'compose.profiles': request<string[]>()(z.object(composeSource).strict()),
  /** A project's services with their state (not created ones too), and the files, env file and profiles it was brought up with. */
  'compose.project': request<ComposeProjectInfo>()(z.object({ project: projectName }).strict()),

  'images.list': request<ImageSummary[]>()(none),
  'images.inspect': request<unknown>()(z.object({ id: imageRef }).strict()),
  'images.remove': request<BulkResult[]>()(z.object({ ids: ids(imageRef), force: z.boolean().default(false) }).strict()),
  /** Adds a tag (repository[:tag]) to an image. */
  'images.tag': request<void>()(z.object({ id: imageRef, tag: reference }).strict()),
  /** The layers, newest first, with the instruction that made each. */
  'images.history': request<HistoryLayer[]>()(z.object({ id: imageRef }).strict()),
  /** Everything the image's page shows, in one answer. */
  'images.detail': request<ImageDetail>()(z.object({ id: imageRef }).strict()),

  /** Registries Berth keeps a login for (never the password). */
  'registries.list': request<RegistryLogin[]>()(none),
  /** Where a new login is kept: the docker config's credential helper, or its `auths` (unencrypted). */
  'registries.store': request<LoginStore>()(z.object({ server: registryHost.optional() }).strict()),
  /** Checks the credentials with the registry (through the engine), then keeps them as `docker login` does; says where. */
  'registries.login': request<LoginStore>()(z.object({ server: registryHost, username: z.string().min(1).max(256), password: z.string().min(1).max(4096) }).strict()),
  /** The repositories a registry lists (`/v2/_catalog`), read from this computer with Berth's login for it. */
  'registries.catalog': request<RegistryListing>()(z.object({ server: registryHost }).strict()),
  /** A repository's tags (`/v2/<name>/tags/list`). */
  'registries.tags': request<RegistryListing>()(z.object({ server: registryHost, repository: repositoryPath }).strict()),
  'registries.logout': request<void>()(z.object({ server: z.string().min(1).max(256) }).strict()),

  /** `docker system df`, with what each cleanup would reclaim. */
  'disk.usage': request<DiskUsage>()(none),
  /** What a cleanup would remove, item by item. */
  'disk.preview': request<CleanupPlan>()(z.object({ kind: z.enum(CLEANUP_KINDS) }).strict()),
  /**
   * Runs the cleanup; returns what it removed and what it kept, and why. With `ids` (the preview's
   * items) it removes only those still unused; without, everything unused now.
   */
  'disk.cleanup': request<CleanupPlan>()(z.object({ kind: z.enum(CLEANUP_KINDS), ids: ids(z.string().min(1).max(256)).optional() }).strict()),
  /** The Berth VM's data disk on the host (allocated and at most); null when the engine in use is not the VM. */
  'disk.vm': request<VmDiskInfo | null>()(none),
  /** Trims the VM's filesystem so the host gets its free space back; says how much it got. */
  'disk.compact': request<VmDiskCompaction>()(none),

  'volumes.list': request<VolumeSummary[]>()(none),
  'volumes.inspect': request<unknown>()(z.object({ name: ref }).strict()),
  'volumes.detail': request<VolumeDetail>()(z.object({ name: ref }).strict()),
  /** The first level of a folder in the volume (paths from its top), read through a throwaway helper container. */
  'volumes.files.list': request<FolderListing>()(z.object({ name: ref, path: containerPath }).strict()),
  'volumes.create': request<VolumeSummary>()(z.object({ name: resourceName.min(2).optional(), driver: z.string().min(1).max(64).default('local'), labels: labels.default({}) }).strict()),
  'volumes.remove': request<BulkResult[]>()(z.object({ names: ids(ref), force: z.boolean().default(false) }).strict()),
  'volumes.prune': request<PruneReport>()(none),

  'networks.list': request<NetworkSummary[]>()(none),
  'networks.inspect': request<unknown>()(z.object({ id: ref }).strict()),
  'networks.detail': request<NetworkDetail>()(z.object({ id: ref }).strict()),
  'networks.create': request<NetworkSummary>()(
    z
      .object({
        name: resourceName.min(1),
        driver: z.enum(['bridge']).default('bridge'),
        subnet: cidr.optional(),
        internal: z.boolean().default(false),
        labels: labels.default({}),
      })
      .strict(),
  ),
  'networks.remove': request<BulkResult[]>()(z.object({ ids: ids(ref) }).strict()),
  'networks.connect': request<void>()(z.object({ network: ref, container: ref }).strict()),
  'networks.disconnect': request<void>()(z.object({ network: ref, container: ref, force: z.boolean().default(false) }).strict()),
  'networks.prune': request<PruneReport>()(none),

  // Swarm mode on the engine in use (a manager for the node calls).
  'swarm.info': request<SwarmState>()(none),
  'swarm.init': request<SwarmState>()(z.object({ advertiseAddr: swarmAddr }).strict()),
  'swarm.joinTokens': request<JoinTokens>()(none),
  'swarm.join': request<SwarmState>()(z.object({ remoteAddr: swarmAddr, token: joinToken, advertiseAddr: swarmAddr }).strict()),
  'swarm.addEngine': request<SwarmNode>()(z.object({ context: z.string().min(1).max(200), role: nodeRole, advertiseAddr: swarmAddr }).strict()),
  'swarm.leave': request<SwarmState>()(z.object({ force: z.boolean().default(false) }).strict()),
  'nodes.list': request<SwarmNode[]>()(none),
  'nodes.update': request<SwarmNode>()(
    z
      .object({
        id: ref,
        availability: z.enum(['active', 'pause', 'drain']).optional(),
        role: nodeRole.optional(),
        labels: z.record(labelKey, z.string().max(4096)).optional(),
      })
      .strict(),
  ),
  'nodes.remove': request<void>()(z.object({ id: ref, force: z.boolean().default(false) }).strict()),
  'services.list': request<ServiceSummary[]>()(none),
  'services.create': request<ServiceSummary>()(serviceSpecInput),
  'services.scale': request<ServiceSummary>()(z.object({ id: ref, replicas: z.number().int().min(0).max(1000) }).strict()),
  'services.setImage': request<ServiceSummary>()(z.object({ id: ref, image: imageReference }).strict()),
  'services.rollback': request<ServiceSummary>()(z.object({ id: ref }).strict()),
  'services.remove': request<void>()(z.object({ id: ref }).strict()),
  'services.tasks': request<TaskInfo[]>()(z.object({ id: ref }).strict()),
  ...stackRequests,
  ...swarmSecretRequests, // secrets, configs, overlay networks

  /** The renderer's jobs, running and recent, whole (each change replaces the last report): for the tray and the desktop app's OS notifications. */
  'jobs.report': request<void>()(z.object({ jobs: z.array(jobReport).max(JOBS_KEPT) }).strict()),
} as const;

export type Requests = typeof requests;
export type Method = keyof Requests;
/** What a caller passes (defaults may be left out). */
export type ArgsOf<M extends Method> = z.input<Requests[M]['args']>;
/** What a handler receives (validated, defaults filled in). */
export type ParsedArgsOf<M extends Method> = z.output<Requests[M]['args']>;
export type ResultOf<M extends Method> = Requests[M]['result'];
/** Methods whose arguments may be omitted entirely. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- `{}` here is the test: an empty args object fits
export type NoArgMethod = { [M in Method]: {} extends ArgsOf<M> ? M : never }[Method];

/** Declares a stream: `stream<Chunk>()(argsSchema)`. Streams go start -> chunk* -> end (or error), cancellable. */
const stream =
  <C>() =>
  <A extends z.ZodType, I extends z.ZodType = z.ZodNever>(args: A, input?: I) => ({ args, input: input ?? (z.never() as unknown as I), chunk: undefined as unknown as C });

/** One piece of an upload: raw bytes (a binary frame over the WebSocket, a Uint8Array over IPC). */
const uploadPiece = z.instanceof(Uint8Array, { message: 'must be bytes' }).refine((b) => b.length <= UPLOAD_PIECE, `must be at most ${UPLOAD_PIECE} bytes`);

/** What a terminal sends: keystrokes, a new size, or how many output chars it has rendered. */
export const terminalInput = z.union([
  z.object({ data: z.string().max(65536) }).strict(),
  z.object({ resize: z.object({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict() }).strict(),
  z.object({ ack: z.number().int().min(0).max(1e9) }).strict(),
]);
export type TerminalInput = z.infer<typeof terminalInput>;
const terminalSize = { cols: z.number().int().min(1).max(1000).default(80), rows: z.number().int().min(1).max(1000).default(24) };

export const streams = {
  /** The container's log from `tail` lines back, following new output while `follow` is set. */
  'containers.logs': stream<LogLine[]>()(
    z
      .object({
        id: ref,
        follow: z.boolean().default(true),
        tail: z.union([z.literal('all'), z.number().int().min(0).max(10_000_000)]).default(1000),
        since: z.number().int().min(0).optional(), // unix seconds
        until: z.number().int().min(1).optional(), // unix seconds
      })
      .strict()
      .refine((o) => !(o.since && o.until && o.until <= o.since), { message: 'must be after since', path: ['until'] }),
  ),
  /** A terminal in the container over the engine's exec API: `command` (default bash, else sh) as `user` in `workdir`. */
  'containers.exec': stream<string>()(z.object({ id: ref, ...terminalSize, command: execArgs.optional(), user: userSpec.optional(), workdir: absPath.optional() }).strict(), terminalInput),
  /** Live resource use of a running container, about once a second. */
  'containers.stats': stream<StatsSample>()(z.object({ id: ref }).strict()),
  /** The resource overview: every running container's CPU and memory (and the VM's own), at most once a second. */
  'containers.usage': stream<UsageSnapshot>()(none),
  /** A tar of a file or folder in the container, in pieces of bytes. */
  'containers.files.download': stream<Uint8Array>()(z.object({ id: ref, path: containerPath }).strict()),
  /** `docker export`: the container's filesystem as a tar. */
  'containers.export': stream<Uint8Array>()(z.object({ id: ref }).strict()),
  /**
   * Writes one file into a folder of the container. Input: the content in pieces of bytes; each
   * chunk acknowledges the bytes the engine has taken (send the next pieces on those acks).
   */
  'containers.files.upload': stream<TransferProgress>()(
    z
      .object({
        id: ref,
        dir: containerPath,
        name: fileName,
        size: z
          .number()
          .int()
          .min(0)
          .max(2 ** 40),
      })
      .strict(),
    uploadPiece,
  ),
  /** `compose up -d` of compose files in order (`-f` each), with an env file, profiles and `--build`, streaming Compose's output lines. */
  'compose.up': stream<string>()(
    z
      .object({
        ...composeSource,
        project: projectName.optional(),
        profiles: z.array(composeProfile).max(64).default([]),
        build: z.boolean().default(false),
      })
      .strict(),
  ),
  /** A compose project's logs: every container's, merged in time order, each line named by its service; then new lines live. */
  'compose.logs': stream<LogLine[]>()(
    z
      .object({
        project: projectName,
        follow: z.boolean().default(true),
        tail: z.union([z.literal('all'), z.number().int().min(0).max(10_000_000)]).default(1000), // per container, as `docker compose logs --tail`
        since: z.number().int().min(0).optional(),
        until: z.number().int().min(1).optional(),
      })
      .strict()
      .refine((o) => !(o.since && o.until && o.until <= o.since), { message: 'must be after since', path: ['until'] }),
  ),
  /** A swarm service's logs merged over all its tasks, each line named by its task and node (web.2@node3); then new lines live. */
  'services.logs': stream<LogLine[]>()(
    z
      .object({
        id: ref,
        follow: z.boolean().default(true),
        tail: z.union([z.literal('all'), z.number().int().min(0).max(10_000_000)]).default(1000), // per task, as `docker service logs --tail`
        since: z.number().int().min(0).optional(),
        until: z.number().int().min(1).optional(),
        task: ref.optional(), // only this task's lines (its id)
        node: ref.optional(), // only the lines of tasks on this node (its id or host name)
      })
      .strict()
      .refine((o) => !(o.since && o.until && o.until <= o.since), { message: 'must be after since', path: ['until'] }),
  ),
  /** `compose down` of a project by name; named volumes are removed only with `removeVolumes`. */
  'compose.down': stream<string>()(z.object({ project: projectName, removeVolumes: z.boolean().default(false) }).strict()),
  /** `compose start|stop|restart <service>` of one service of a project, run with the project's files; streams Compose's output lines. */
  'compose.service': stream<string>()(z.object({ project: projectName, service: composeService, action: z.enum(['start', 'stop', 'restart']) }).strict()),
  /** `compose pull` (images that are not built) or `compose build` of a project, streaming Compose's output lines; cancellable. */
  'compose.images': stream<string>()(z.object({ project: projectName, verb: z.enum(['pull', 'build']) }).strict()),
  /** `compose watch` of a project until cancelled, streaming its output lines; refused without `develop.watch`. */
  'compose.watch': stream<string>()(z.object({ project: projectName }).strict()),
  /** A volume's files as a tar (paths from the volume's top), in pieces of bytes. */
  'volumes.export': stream<Uint8Array>()(z.object({ name: ref }).strict()),
  /** A file or folder of a volume as a tar. */
  'volumes.files.download': stream<Uint8Array>()(z.object({ name: ref, path: containerPath }).strict()),
  /** Copies a volume's files into a new volume, with progress in bytes; a failed or cancelled clone leaves no new volume. */
  'volumes.clone': stream<TransferProgress>()(z.object({ name: ref, to: resourceName }).strict()),
  /** Fills a new (or empty) volume from a tar the client sends in pieces, acknowledged like an upload; a failed or cancelled one leaves no new volume. */
  'volumes.import': stream<TransferProgress>()(
    z
      .object({
        name: resourceName,
        size: z
          .number()
          .int()
          .min(1)
          .max(2 ** 40),
      })
      .strict(),
    uploadPiece,
  ),
  /** Pulls an image (":latest" when no tag), per-layer progress as it goes. */
  'images.pull': stream<LayerProgress[]>()(z.object({ ref: reference }).strict()),
  /** Pushes a tag to its registry (with the login Berth keeps for it), per-layer progress. */
  'images.push': stream<LayerProgress[]>()(z.object({ ref: reference }).strict()),
  /** Builds with the engine's BuildKit from a folder on this machine (ignore files honoured); log text and steps, then the image id. */
  'images.build': stream<BuildEvent>()(
    z
      .object({
        context: hostPath,
        dockerfile: z
          .string()
          .min(1)
          .max(1024)
          .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a path inside the folder')
          .optional(),
        tags: z.array(reference).max(20).default([]),
        buildArgs: z
          .record(
            z
              .string()
              .min(1)
              .max(256)
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'),
            z.string().max(65536),
          )
          .default({}),
        target: z
          .string()
          .min(1)
          .max(128)
          .regex(/^[A-Za-z0-9_.-]+$/, 'must be a stage name')
          .optional(),
        noCache: z.boolean().default(false),
        /** For `RUN --mount=type=secret,id=<id>`: typed (`value`) or read from a file on this machine (`file`); kept in memory only. */
        secrets: z
          .array(z.union([z.object({ id: secretId, value: z.string().max(500_000) }).strict(), z.object({ id: secretId, file: hostPath }).strict()]))
          .max(50)
          .refine((xs) => new Set(xs.map((x) => x.id)).size === xs.length, 'each secret id once')
          .default([]),
      })
      .strict(),
  ),
  /** `docker save` of images as one tar, in pieces of bytes. */
  'images.save': stream<Uint8Array>()(z.object({ ids: ids(imageRef).max(100) }).strict()),
  /** `docker load` of a tar the client sends in pieces of bytes (acknowledged like an upload); the last chunk lists what was loaded. */
  'images.load': stream<TransferProgress & { loaded?: string[] }>()(
    z
      .object({
        size: z
          .number()
          .int()
          .min(1)
          .max(2 ** 40),
      })
      .strict(),
    uploadPiece,
  ),
  /** A shell on this machine with DOCKER_HOST set to the engine Berth uses. */
  'host.shell': stream<string>()(z.object(terminalSize).strict(), terminalInput),
  ...stackStreams,
} as const;

export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamArgsOf<S extends StreamName> = z.input<Streams[S]['args']>;
export type ParsedStreamArgsOf<S extends StreamName> = z.output<Streams[S]['args']>;
export type ChunkOf<S extends StreamName> = Streams[S]['chunk'];
export type InputOf<S extends StreamName> = z.output<Streams[S]['input']>;

/** Push events: main -> renderer. `<kind>:changed` carries the ids the engine reported. */
export interface Events {
  'engine:status': EngineStatus;
  /** Another engine is in use now (every list reloads by the pushes that follow). */
  'contexts:changed': { active: string };
  'preferences:changed': z.infer<typeof preferences>;
  'vm:status': VmInfo;
  'containers:changed': { ids: string[] };
  /** A container's health changed (its list row follows by `containers:changed`). */
  'containers:health': HealthChange;
  /** An exec in the container ended: each health check probe is one (the Health tab reads them again). */
  'containers:exec-ended': { id: string };
  'images:changed': { ids: string[] };
  'volumes:changed': { ids: string[] };
  'networks:changed': { ids: string[] };
  'swarm:changed': { ids: string[] };
  /** The renderer's last `jobs.report` (the shell lists the running ones in the tray). */
  'jobs:changed': { jobs: JobReport[] };
  /** Cancel this job (the tray asks; the renderer that runs it does it). */
  'jobs:cancel': { id: number };
}
export type EventName = keyof Events;
export const changedEvent = (kind: ResourceKind) => `${kind}:changed` as const;
