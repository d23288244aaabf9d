/**
 * Swarm services on a manager: listed with their running/desired tasks, ports and update status;
 * made from the Run dialog's fields that apply; scaled, given a new image (a rolling update the
 * managers run, its progress in UpdateStatus), rolled back and removed; their tasks with the node
 * each runs on and its state. Everything goes through the engine's API.
 */
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { ServicePort, ServiceSpecInput, ServiceSummary, TaskInfo } from '../../shared/models';
import { toBerthError } from '../engine/engine-errors';

interface ServiceInfo {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string> | null;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string } } & Record<string, unknown>;
    EndpointSpec?: { Ports?: { TargetPort?: number; PublishedPort?: number; Protocol?: string; PublishMode?: string }[] | null };
  } & Record<string, unknown>;
  Endpoint?: { Ports?: { TargetPort?: number; PublishedPort?: number; Protocol?: string; PublishMode?: string }[] | null };
  UpdateStatus?: { State?: string; Message?: string };
  PreviousSpec?: unknown;
}

interface TaskRaw {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: { State?: string; Message?: string; Err?: string; Timestamp?: string; ContainerStatus?: { ContainerID?: string } };
}

const time = (s?: string) => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

/** An image as the list shows it: without the digest the CLI pins ("busybox:1@sha256:..."). */
const imageName = (ref = '') => ref.split('@')[0]!;

function portsOf(s: ServiceInfo): ServicePort[] {
  const raw = s.Endpoint?.Ports?.length ? s.Endpoint.Ports : (s.Spec?.EndpointSpec?.Ports ?? []);
  return raw.map((p) => ({
    target: p.TargetPort ?? 0,
    ...(p.PublishedPort ? { published: p.PublishedPort } : {}),
    protocol: (['tcp', 'udp', 'sctp'].includes(p.Protocol ?? '') ? p.Protocol : 'tcp') as ServicePort['protocol'],
    mode: p.PublishMode === 'host' ? 'host' : 'ingress',
  }));
}

export function toServiceSummary(s: ServiceInfo, tasks: TaskRaw[], eligibleNodes: number): ServiceSummary {
  const mine = tasks.filter((t) => t.ServiceID === s.ID);
  const global = !!s.Spec?.Mode?.Global;
  const stack = s.Spec?.Labels?.['com.docker.stack.namespace'];
  const created = time(s.CreatedAt);
  const updated = time(s.UpdatedAt);
  return {
    id: s.ID,
    name: s.Spec?.Name ?? s.ID,
    image: imageName(s.Spec?.TaskTemplate?.ContainerSpec?.Image),
    mode: global ? 'global' : 'replicated',
    running: mine.filter((t) => t.Status?.State === 'running' && t.DesiredState === 'running').length,
    desired: global ? eligibleNodes : (s.Spec?.Mode?.Replicated?.Replicas ?? 0),
    ports: portsOf(s),
    ...(s.UpdateStatus?.State ? { update: { state: s.UpdateStatus.State, ...(s.UpdateStatus.Message ? { message: s.UpdateStatus.Message } : {}) } } : {}),
    ...(stack ? { stack } : {}),
    ...(created ? { created } : {}),
    ...(updated ? { updated } : {}),
    version: s.Version?.Index ?? 0,
  };
}

export function toTaskInfo(t: TaskRaw, hostnames: Map<string, string>): TaskInfo {
  const since = time(t.Status?.Timestamp);
  const node = t.NodeID ? hostnames.get(t.NodeID) : undefined;
  return {
    id: t.ID,
    ...(typeof t.Slot === 'number' ? { slot: t.Slot } : {}),
    ...(t.NodeID ? { nodeId: t.NodeID } : {}),
    ...(node ? { node } : {}),
    image: imageName(t.Spec?.ContainerSpec?.Image),
    desiredState: t.DesiredState ?? '',
    state: t.Status?.State ?? 'unknown',
    ...(t.Status?.Message ? { message: t.Status.Message } : {}),
    ...(t.Status?.Err ? { error: t.Status.Err } : {}),
    ...(since ? { since } : {}),
    ...(t.Status?.ContainerStatus?.ContainerID ? { containerId: t.Status.ContainerStatus.ContainerID } : {}),
  };
}

const ns = (ms?: number) => (ms === undefined ? undefined : ms * 1_000_000);

/** The task's container: what runs, as who, where, with what. */
function containerSpec(input: ServiceSpecInput): Record<string, unknown> {
  const h = input.health;
  const entries: [string, unknown][] = [
    ['Image', input.image],
    ['Command', input.entrypoint?.length ? input.entrypoint : undefined],
    ['Args', input.command?.length ? input.command : undefined],
    ['Env', input.env?.length ? input.env : undefined],
    ['User', input.user],
    ['Dir', input.workdir],
    ['Hostname', input.hostname],
    ['ReadOnly', input.readOnly || undefined],
    ['Init', input.init || undefined],
    ['TTY', input.tty || undefined],
    ['CapabilityAdd', input.capAdd?.length ? input.capAdd : undefined],
    ['CapabilityDrop', input.capDrop?.length ? input.capDrop : undefined],
    ['Hosts', input.hosts?.length ? input.hosts.map((e) => `${e.ip} ${e.host}`) : undefined],
    [
      'Mounts',
      input.mounts?.length
        ? input.mounts.map((m) =>
            m.type === 'tmpfs'
              ? { Type: 'tmpfs', Target: m.target, ...(m.sizeBytes ? { TmpfsOptions: { SizeBytes: m.sizeBytes } } : {}) }
              : { Type: m.type, ...(m.source ? { Source: m.source } : {}), Target: m.target, ReadOnly: !!m.readOnly },
          )
        : undefined,
    ],
    [
      'Healthcheck',
      h === 'none'
        ? { Test: ['NONE'] }
        : h
          ? { Test: ['CMD-SHELL', h.command], Interval: ns(h.intervalMs), Timeout: ns(h.timeoutMs), StartPeriod: ns(h.startPeriodMs), Retries: h.retries }
          : undefined,
    ],
  ];
  return JSON.parse(JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== undefined)))) as Record<string, unknown>;
}

/** The engine's spec for what the dialog gave. */
export function serviceSpec(input: ServiceSpecInput): Record<string, unknown> {
  if (input.mode === 'global' && input.replicas !== undefined) throw new BerthError('INVALID_ARGUMENT', 'A global service runs one task on every node: it takes no replica count.');
  const limits = { ...(input.cpus ? { NanoCPUs: Math.round(input.cpus * 1e9) } : {}), ...(input.memoryBytes ? { MemoryBytes: input.memoryBytes } : {}) };
  return {
    Name: input.name,
    ...(input.labels ? { Labels: input.labels } : {}),
    TaskTemplate: {
      ContainerSpec: containerSpec(input),
      ...(Object.keys(limits).length ? { Resources: { Limits: limits } } : {}),
      ...(input.restart ? { RestartPolicy: { Condition: input.restart.condition, ...(input.restart.maxAttempts !== undefined ? { MaxAttempts: input.restart.maxAttempts } : {}) } } : {}),
      ...(input.constraints?.length || input.maxPerNode
        ? { Placement: { ...(input.constraints?.length ? { Constraints: input.constraints } : {}), ...(input.maxPerNode ? { MaxReplicas: input.maxPerNode } : {}) } }
        : {}),
      ...(input.networks?.length ? { Networks: input.networks.map((Target) => ({ Target })) } : {}),
    },
    Mode: input.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: input.replicas ?? 1 } },
    // A failed update stops and rolls back, as `docker stack deploy` users set it; one task at a time.
    UpdateConfig: { Parallelism: 1, FailureAction: 'rollback', Order: 'stop-first' },
    RollbackConfig: { Parallelism: 1, Order: 'stop-first' },
    ...(input.ports?.length
      ? {
          EndpointSpec: {
            Ports: input.ports.map((p) => ({ TargetPort: p.target, ...(p.published ? { PublishedPort: p.published } : {}), Protocol: p.protocol ?? 'tcp', PublishMode: p.mode ?? 'ingress' })),
          },
        }
      : {}),
  };
}

function serviceError(e: unknown, doing: string): BerthError {
  const err = toBerthError(e);
  if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') return err;
  if (/docker swarm init/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first (Swarm).' });
  if (/not a swarm manager/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not a swarm manager.`, { hint: 'Switch Berth to a manager of the swarm.' });
  if (/name conflicts with an existing object|already exists/i.test(err.message))
    return new BerthError('CONFLICT', `${doing}: ${err.message}.`, { hint: 'Pick another name, or remove the service that has it.' });
  return new BerthError(err.code, `${doing}: ${err.message}`, err.hint ? { hint: err.hint } : {});
}

export class SwarmServicesService {
  constructor(private readonly docker: Dockerode) {}

  private async raw(id: string): Promise<ServiceInfo> {
    return (await this.docker
      .getService(id)
      .inspect()
      .catch((e: unknown) => Promise.reject(serviceError(e, `The service ${id} could not be read`)))) as ServiceInfo;
  }

  async list(): Promise<ServiceSummary[]> {
    const [services, tasks, nodes] = await Promise.all([
      this.docker.listServices().catch((e: unknown) => Promise.reject(serviceError(e, 'The services could not be listed'))),
      this.docker.listTasks({ filters: JSON.stringify({ 'desired-state': ['running'] }) }),
      this.docker.listNodes(),
    ]);
    const eligible = (nodes as { Spec?: { Availability?: string }; Status?: { State?: string } }[]).filter((n) => n.Spec?.Availability === 'active' && n.Status?.State === 'ready').length;
    return (services as unknown as ServiceInfo[]).map((s) => toServiceSummary(s, tasks as unknown as TaskRaw[], eligible)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(id: string): Promise<ServiceSummary> {
    const found = (await this.list()).find((s) => s.id === id || s.name === id);
    if (!found) throw new BerthError('NOT_FOUND', `There is no service ${id}.`);
    return found;
  }

  async create(input: ServiceSpecInput): Promise<ServiceSummary> {
    const spec = serviceSpec(input);
    let created: { id: string };
    try {
      created = await this.docker.createService(spec);
    } catch (e) {
      throw serviceError(e, `The service ${input.name} could not be made`);
    }
    return this.get(created.id);
  }

  /** Sends a changed spec with the version it was read at: two edits at once do not overwrite each other. */
  private async change(id: string, edit: (spec: NonNullable<ServiceInfo['Spec']>) => void, doing: string, query: Record<string, string> = {}): Promise<ServiceSummary> {
    const s = await this.raw(id);
    const spec = structuredClone(s.Spec ?? {});
    edit(spec);
    try {
      await this.docker.getService(s.ID).update({ _query: { version: s.Version?.Index ?? 0, ...query }, _body: spec });
    } catch (e) {
      throw serviceError(e, doing);
    }
    return this.get(s.ID);
  }

  scale(id: string, replicas: number): Promise<ServiceSummary> {
    return this.change(
      id,
      (spec) => {
        if (!spec.Mode?.Replicated) throw new BerthError('INVALID_ARGUMENT', `The service ${spec.Name ?? id} is global: it runs one task per node and cannot be scaled.`);
        spec.Mode = { Replicated: { Replicas: replicas } };
      },
      `The service ${id} could not be scaled to ${replicas}`,
    );
  }

  /** A rolling update to `image`, one task at a time; its progress shows in `update`. */
  setImage(id: string, image: string): Promise<ServiceSummary> {
    return this.change(
      id,
      (spec) => {
        const template = (spec.TaskTemplate ?? {}) as { ContainerSpec?: { Image?: string }; ForceUpdate?: number };
        spec.TaskTemplate = { ...template, ContainerSpec: { ...template.ContainerSpec, Image: image } };
      },
      `The service ${id} could not be updated to ${image}`,
    );
  }

  /** Back to the spec before the last update (the engine keeps one). */
  async rollback(id: string): Promise<ServiceSummary> {
    const s = await this.raw(id);
    if (!s.PreviousSpec)
      throw new BerthError('CONFLICT', `The service ${s.Spec?.Name ?? id} has no earlier version to roll back to.`, { hint: 'A rollback undoes the last update; this service has had none.' });
    return this.change(id, () => undefined, `The service ${s.Spec?.Name ?? id} could not be rolled back`, { rollback: 'previous' });
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getService(id).remove();
    } catch (e) {
      throw serviceError(e, `The service ${id} could not be removed`);
    }
  }

  /** Its tasks, newest first per slot: where each runs and what became of it (the state history). */
  async tasks(id: string): Promise<TaskInfo[]> {
    const s = await this.raw(id);
    const [tasks, nodes] = await Promise.all([this.docker.listTasks({ filters: JSON.stringify({ service: [s.ID] }) }), this.docker.listNodes()]);
    const hostnames = new Map((nodes as { ID: string; Description?: { Hostname?: string } }[]).map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
    return (tasks as unknown as TaskRaw[])
      .filter((t) => t.ServiceID === s.ID)
      .map((t) => toTaskInfo(t, hostnames))
      .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0) || (a.node ?? '').localeCompare(b.node ?? '') || (b.since ?? 0) - (a.since ?? 0));
  }
}
