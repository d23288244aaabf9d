/**
 * Swarm secrets and configs on a manager: made from typed text or a file on this machine, listed
 * with the services that mount each (never a value: the engine keeps a secret's, and Berth sends
 * none back, logs none and shows none), mounted in a service's tasks or taken out of them by a
 * service update, and removed once no service uses them. Bad input is said in words before the
 * engine is asked, so nothing is half-made.
 */
import type Dockerode from 'dockerode';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../../shared/errors';
import type { SwarmData, SwarmDataKind, SwarmDataUse } from '../../shared/models';
import { SWARM_DATA_MAX_BYTES } from '../../shared/swarm-secrets-contract';
import { toBerthError } from '../engine/engine-errors';

const MAX_BYTES: Record<SwarmDataKind, number> = SWARM_DATA_MAX_BYTES;
const word = (k: SwarmDataKind) => (k === 'secret' ? 'secret' : 'config');

interface DataRaw {
  ID: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> | null };
}
interface FileRef {
  File?: { Name?: string; UID?: string; GID?: string; Mode?: number };
  SecretID?: string;
  SecretName?: string;
  ConfigID?: string;
  ConfigName?: string;
}
interface ServiceRaw {
  ID: string;
  Version?: { Index?: number };
  Spec?: { Name?: string; TaskTemplate?: { ContainerSpec?: { Secrets?: FileRef[] | null; Configs?: FileRef[] | null } & Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;
}

const time = (s?: string) => {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

/** Where a task sees a mounted secret or config: a secret's relative name is under /run/secrets. */
export function mountPath(kind: SwarmDataKind, fileName: string): string {
  return fileName.startsWith('/') ? fileName : kind === 'secret' ? `/run/secrets/${fileName}` : `/${fileName}`;
}

const refsOf = (s: ServiceRaw, kind: SwarmDataKind): FileRef[] => (kind === 'secret' ? s.Spec?.TaskTemplate?.ContainerSpec?.Secrets : s.Spec?.TaskTemplate?.ContainerSpec?.Configs) ?? [];
const refId = (r: FileRef, kind: SwarmDataKind) => (kind === 'secret' ? r.SecretID : r.ConfigID);

export function toSwarmData(d: DataRaw, kind: SwarmDataKind, services: ServiceRaw[]): SwarmData {
  const usedBy: SwarmDataUse[] = [];
  for (const s of services) {
    for (const r of refsOf(s, kind)) if (refId(r, kind) === d.ID) usedBy.push({ serviceId: s.ID, service: s.Spec?.Name ?? s.ID, target: mountPath(kind, r.File?.Name ?? d.Spec?.Name ?? '') });
  }
  const created = time(d.CreatedAt);
  const updated = time(d.UpdatedAt);
  const stack = d.Spec?.Labels?.['com.docker.stack.namespace'];
  return {
    id: d.ID,
    kind,
    name: d.Spec?.Name ?? d.ID,
    labels: { ...(d.Spec?.Labels ?? {}) },
    usedBy: usedBy.sort((a, b) => a.service.localeCompare(b.service)),
    ...(created ? { created } : {}),
    ...(updated ? { updated } : {}),
    ...(stack ? { stack } : {}),
  };
}

/** The engine's words, with what to do where Berth can tell; never the value (the engine's messages hold none). */
function dataError(e: unknown, doing: string): BerthError {
  const err = toBerthError(e);
  if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') return err;
  if (/docker swarm init|not part of a swarm/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not in a swarm.`, { hint: 'Make a swarm first (Swarm).' });
  if (/not a swarm manager/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: this engine is not a swarm manager.`, { hint: 'Switch Berth to a manager of the swarm.' });
  if (/already exists|name conflicts/i.test(err.message)) return new BerthError('CONFLICT', `${doing}: ${err.message}.`, { hint: 'Pick another name, or remove the one that has it.' });
  return new BerthError(err.code, `${doing}: ${err.message}`, err.hint ? { hint: err.hint } : {});
}

/** A file's bytes, refused in words when it is not a readable regular file under the limit (read no further than that). */
async function readValueFile(kind: SwarmDataKind, path: string): Promise<Buffer> {
  const file = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) throw new BerthError('INVALID_ARGUMENT', `${path} is not a regular file: a ${word(kind)} is read from a file.`);
    if (st.size >= MAX_BYTES[kind]) throw tooBig(kind, st.size, path);
    return await handle.readFile();
  } catch (e) {
    if (e instanceof BerthError) throw e;
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : ((e as Error).message ?? 'unknown error');
    throw new BerthError('INVALID_ARGUMENT', `The file ${path} cannot be read: ${why}.`, { hint: `Give a file Berth can read, or type the ${word(kind)}'s value.` });
  } finally {
    await handle?.close();
  }
}

function tooBig(kind: SwarmDataKind, size: number, path?: string): BerthError {
  return new BerthError(
    'INVALID_ARGUMENT',
    `${path ? `The file ${path}` : 'The value'} is ${size} bytes: the engine keeps a ${word(kind)} of less than ${MAX_BYTES[kind] / 1024} KB (${MAX_BYTES[kind]} bytes).`,
    {
      hint: kind === 'secret' ? 'Keep a large file in a volume or a config instead, and only its key in a secret.' : 'Keep a large file in a volume or bake it into the image.',
    },
  );
}

/**
 * Runs a read-check-update of a service again when another change got in between (the engine
 * refuses an update at an old version: "update out of sequence"); its checks see the new spec.
 */
async function whileOutOfSequence<T>(attempt: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= tries || !(e instanceof BerthError) || !/out of sequence/i.test(e.message)) throw e;
    }
  }
}

export class SwarmSecretsService {
  constructor(private readonly docker: Dockerode) {}

  private async rawList(kind: SwarmDataKind): Promise<DataRaw[]> {
    const doing = `The ${word(kind)}s could not be listed`;
    const list = kind === 'secret' ? this.docker.listSecrets() : this.docker.listConfigs();
    return await list.catch((e: unknown) => Promise.reject(dataError(e, doing)));
  }

  private async services(): Promise<ServiceRaw[]> {
    return (await this.docker.listServices().catch((e: unknown) => Promise.reject(dataError(e, 'The services could not be listed')))) as unknown as ServiceRaw[];
  }

  async list(): Promise<SwarmData[]> {
    const [secrets, configs, services] = await Promise.all([this.rawList('secret'), this.rawList('config'), this.services()]);
    return [...secrets.map((d) => toSwarmData(d, 'secret', services)), ...configs.map((d) => toSwarmData(d, 'config', services))].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
  }

  private async find(kind: SwarmDataKind, name: string): Promise<SwarmData> {
    const found = (await this.list()).find((d) => d.kind === kind && (d.name === name || d.id === name));
    if (!found) throw new BerthError('NOT_FOUND', `The swarm has no ${word(kind)} ${name}.`);
    return found;
  }

  /** Makes one from typed text or a file's bytes; what comes back names it, never its value. */
  async create(input: { kind: SwarmDataKind; name: string; value?: string; file?: string; labels?: Record<string, string> }): Promise<SwarmData> {
    const { kind, name } = input;
    const data = input.file !== undefined ? await readValueFile(kind, input.file) : Buffer.from(input.value ?? '', 'utf8');
    if (data.length === 0)
      throw new BerthError('INVALID_ARGUMENT', `The ${word(kind)} ${name} would be empty: the engine keeps none without a value.`, {
        hint: input.file ? 'Pick a file that is not empty.' : 'Type its value.',
      });
    if (data.length >= MAX_BYTES[kind]) throw tooBig(kind, data.length, input.file);
    if ((await this.rawList(kind)).some((d) => d.Spec?.Name === name)) {
      throw new BerthError('CONFLICT', `The swarm already has a ${word(kind)} named ${name}.`, {
        hint: `Pick another name. A ${word(kind)} cannot be changed: make a new one (e.g. ${name}_v2), use it in the services, then remove the old one.`,
      });
    }
    const spec = { Name: name, Labels: input.labels ?? {}, Data: data.toString('base64') };
    data.fill(0);
    let id: string;
    try {
      const made = (await (kind === 'secret' ? this.docker.createSecret(spec) : this.docker.createConfig(spec))) as unknown as { id?: string; ID?: string };
      id = made.id ?? made.ID ?? name;
    } catch (e) {
      throw dataError(e, `The ${word(kind)} ${name} could not be made`);
    } finally {
      spec.Data = '';
    }
    return this.find(kind, id);
  }

  private async rawService(id: string): Promise<ServiceRaw> {
    return (await this.docker
      .getService(id)
      .inspect()
      .catch((e: unknown) =>
        Promise.reject(toBerthError(e).code === 'NOT_FOUND' ? new BerthError('NOT_FOUND', `There is no service ${id}.`) : dataError(e, `The service ${id} could not be read`)),
      )) as ServiceRaw;
  }

  /** Sends the service's spec with its secrets or configs changed, at the version read (a concurrent edit is refused, not overwritten). */
  private async editRefs(service: ServiceRaw, kind: SwarmDataKind, edit: (refs: FileRef[]) => FileRef[], doing: string): Promise<void> {
    const spec = structuredClone(service.Spec ?? {});
    const template = (spec.TaskTemplate ??= {});
    const container = (template.ContainerSpec ??= {});
    const refs = edit([...refsOf(service, kind)]);
    if (kind === 'secret') container.Secrets = refs;
    else container.Configs = refs;
    try {
      await this.docker.getService(service.ID).update({ _query: { version: service.Version?.Index ?? 0 }, _body: spec });
    } catch (e) {
      throw dataError(e, doing);
    }
  }

  /** Mounts it in a service's tasks at `target` (a secret: /run/secrets/<name> by default; a config: an absolute path, /<name> by default). */
  attach(kind: SwarmDataKind, name: string, serviceId: string, target?: string): Promise<SwarmData> {
    return whileOutOfSequence(() => this.attachOnce(kind, name, serviceId, target));
  }

  private async attachOnce(kind: SwarmDataKind, name: string, serviceId: string, target?: string): Promise<SwarmData> {
    const data = await this.find(kind, name);
    const service = await this.rawService(serviceId);
    const serviceName = service.Spec?.Name ?? serviceId;
    const fileName = (target ?? '').trim() || (kind === 'secret' ? data.name : `/${data.name}`);
    if (kind === 'config' && !fileName.startsWith('/')) {
      throw new BerthError('INVALID_ARGUMENT', `"${fileName}" is not an absolute path: a config is mounted at a path such as /etc/app/${data.name}.`);
    }
    if (fileName.endsWith('/') || (fileName.startsWith('/') && fileName === '/')) throw new BerthError('INVALID_ARGUMENT', `"${fileName}" names a folder: give the path of a file.`);
    if (kind === 'secret' && !fileName.startsWith('/') && fileName.includes('/')) {
      throw new BerthError('INVALID_ARGUMENT', `"${fileName}" is neither a file name (mounted under /run/secrets) nor an absolute path.`);
    }
    const path = mountPath(kind, fileName);
    const mine = data.usedBy.find((u) => u.serviceId === service.ID);
    if (mine) throw new BerthError('CONFLICT', `The service ${serviceName} already has the ${word(kind)} ${data.name}, at ${mine.target}.`, { hint: 'Detach it first to mount it elsewhere.' });
    const taken = [
      ...refsOf(service, 'secret').map((r) => ['secret', r.SecretName, mountPath('secret', r.File?.Name ?? '')] as const),
      ...refsOf(service, 'config').map((r) => ['config', r.ConfigName, mountPath('config', r.File?.Name ?? '')] as const),
    ].find(([, , p]) => p === path);
    if (taken) throw new BerthError('CONFLICT', `The service ${serviceName} already mounts the ${taken[0]} ${taken[1]} at ${path}.`, { hint: 'Pick another target path.' });
    const file = { Name: fileName, UID: '0', GID: '0', Mode: 0o444 };
    await this.editRefs(
      service,
      kind,
      (refs) => [...refs, kind === 'secret' ? { File: file, SecretID: data.id, SecretName: data.name } : { File: file, ConfigID: data.id, ConfigName: data.name }],
      `The ${word(kind)} ${data.name} could not be given to the service ${serviceName}`,
    );
    return this.find(kind, data.id);
  }

  /** Takes it out of a service's tasks (a rolling update of the service). */
  detach(kind: SwarmDataKind, name: string, serviceId: string): Promise<SwarmData> {
    return whileOutOfSequence(() => this.detachOnce(kind, name, serviceId));
  }

  private async detachOnce(kind: SwarmDataKind, name: string, serviceId: string): Promise<SwarmData> {
    const data = await this.find(kind, name);
    const service = await this.rawService(serviceId);
    const serviceName = service.Spec?.Name ?? serviceId;
    if (!refsOf(service, kind).some((r) => refId(r, kind) === data.id)) throw new BerthError('CONFLICT', `The service ${serviceName} does not use the ${word(kind)} ${data.name}.`);
    await this.editRefs(service, kind, (refs) => refs.filter((r) => refId(r, kind) !== data.id), `The ${word(kind)} ${data.name} could not be taken from the service ${serviceName}`);
    return this.find(kind, data.id);
  }

  /** Removes one that no service uses; one in use is refused, naming the services. */
  async remove(kind: SwarmDataKind, name: string): Promise<void> {
    const data = await this.find(kind, name);
    if (data.usedBy.length) {
      const names = [...new Set(data.usedBy.map((u) => u.service))];
      throw new BerthError('IN_USE', `The ${word(kind)} ${data.name} is in use by the service${names.length === 1 ? '' : 's'} ${names.join(', ')}.`, {
        hint: `Detach it from ${names.length === 1 ? 'that service' : 'those services'} first, or remove ${names.length === 1 ? 'it' : 'them'}.`,
      });
    }
    try {
      await (kind === 'secret' ? this.docker.getSecret(data.id).remove() : this.docker.getConfig(data.id).remove());
    } catch (e) {
      throw dataError(e, `The ${word(kind)} ${data.name} could not be removed`);
    }
  }
}
