import type Dockerode from 'dockerode';
import type { BulkResult } from '../../shared/api-contract';
import type { PruneReport, VolumeDetail, VolumeSummary } from '../../shared/models';
import { bulk } from './bulk';
import { HELPER_LABEL } from './volume-transfer';
import { BerthError } from '../../shared/errors';

interface EngineVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
}

/** volume name -> names of the containers that mount it */
export type VolumeUsage = Map<string, string[]>;

export function volumeUsage(containers: Dockerode.ContainerInfo[]): VolumeUsage {
  const usage: VolumeUsage = new Map();
  for (const c of containers) {
    if (c.Labels?.[HELPER_LABEL] !== undefined) continue; // Berth's own, there for the seconds a transfer or a browse takes
    const name = (c.Names?.[0] ?? c.Id).replace(/^\//, '');
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      usage.set(m.Name, [...(usage.get(m.Name) ?? []), name]);
    }
  }
  return usage;
}

export function toVolumeSummary(v: EngineVolume, usage: VolumeUsage): VolumeSummary {
  const usedBy = usage.get(v.Name) ?? [];
  const created = v.CreatedAt ? Date.parse(v.CreatedAt) : NaN;
  return {
    name: v.Name,
    driver: v.Driver,
    mountpoint: v.Mountpoint,
    ...(Number.isFinite(created) ? { created } : {}),
    labels: v.Labels ?? {},
    inUse: usedBy.length > 0,
    usedBy,
  };
}

/** "1.45" >= "1.42", compared as numbers. */
export function apiAtLeast(version: string, min: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a !== c ? a > c : b >= d;
}

export class VolumesService {
  constructor(private readonly docker: Dockerode) {}

  async list(): Promise<VolumeSummary[]> {
    const [res, containers] = await Promise.all([this.docker.listVolumes(), this.docker.listContainers({ all: true })]);
    const usage = volumeUsage(containers);
    return ((res.Volumes ?? []) as EngineVolume[]).map((v) => toVolumeSummary(v, usage));
  }

  inspect(name: string): Promise<unknown> {
    return this.docker.getVolume(name).inspect();
  }

  /** The page: the summary, its options and its size as `system df` counts it (-1 when the engine does not say). */
  async detail(name: string): Promise<VolumeDetail> {
    const v = (await this.docker.getVolume(name).inspect()) as EngineVolume & { Scope?: string; Options?: Record<string, string> | null };
    const [containers, df] = await Promise.all([this.docker.listContainers({ all: true, filters: { volume: [name] } }), this.volumesDf().catch(() => ({ Volumes: null }))]); // no df: the size is not known (-1)
    const size = df.Volumes?.find((d) => d.Name === name)?.UsageData?.Size;
    return { ...toVolumeSummary(v, volumeUsage(containers)), scope: v.Scope ?? 'local', options: v.Options ?? {}, size: typeof size === 'number' && size >= 0 ? size : -1 };
  }

  /** `system df` of the volumes only (API 1.42+; an older engine answers for everything): the whole df walks every layer. */
  private volumesDf(): Promise<{ Volumes?: { Name: string; UsageData?: { Size?: number } | null }[] | null }> {
    return new Promise((resolve, reject) =>
      this.docker.modem.dial(
        { path: '/system/df?', method: 'GET', options: { type: 'volume' }, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { Volumes?: { Name: string; UsageData?: { Size?: number } | null }[] | null })),
      ),
    );
  }

  async create(opts: { name?: string; driver: string; labels: Record<string, string> }): Promise<VolumeSummary> {
    if (opts.name) await this.refuseExisting(opts.name);
    const volume = await this.docker.createVolume({ Name: opts.name, Driver: opts.driver, Labels: opts.labels });
    return toVolumeSummary(await volume.inspect(), new Map());
  }

  remove(names: string[], force: boolean): Promise<BulkResult[]> {
    return bulk(names, (name) => this.docker.getVolume(name).remove({ force }));
  }

  /**
   * Removes every volume no container uses, named ones too. From API 1.42 (Engine 23) the engine's
   * prune takes only anonymous volumes unless told `all`, a filter older engines refuse; the version
   * that counts is the one requests are made in (the engine's own, unless the client pins one).
   */
  async prune(): Promise<PruneReport> {
    const pinned = (this.docker.modem as { version?: string }).version?.replace(/^v/, '');
    const api = pinned ?? (await this.docker.version()).ApiVersion;
    const r = await this.docker.pruneVolumes(apiAtLeast(api, '1.42') ? { filters: { all: ['true'] } } : {});
    return { removed: r.VolumesDeleted ?? [], spaceReclaimed: r.SpaceReclaimed ?? 0 };
  }

  /** The engine silently returns an existing volume on create; a user asking for a new one must hear it exists. */
  private async refuseExisting(name: string): Promise<void> {
    const exists = await this.docker
      .getVolume(name)
      .inspect()
      .then(() => true)
      .catch((e: { statusCode?: number }) => {
        if (e.statusCode === 404) return false;
        throw e;
      });
    if (exists) throw new BerthError('CONFLICT', `A volume named "${name}" already exists.`, { hint: 'Pick another name, or remove the one that has it.' });
  }
}
