/**
 * Disk usage (`docker system df`) and the cleanups behind it. A cleanup's preview is computed from
 * a df snapshot with the engine's own rules (containers: not running; images: used by no
 * container, and untagged for "dangling"; volumes: used by no container; build cache: not in use),
 * so the preview lists what the cleanup then removes.
 */
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { CleanupKind, CleanupPlan, DiskUsage, VmDiskCompaction, VmDiskInfo } from '../../shared/models';
import { toBerthError } from '../engine/engine-errors';
import { bulk } from './bulk';
import type { VmDiskService } from './vm-disk';

interface DfImage {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
  SharedSize: number;
  Containers: number;
  Created: number;
}
interface DfContainer {
  Id: string;
  Names?: string[];
  State: string;
  SizeRw?: number;
}
interface DfVolume {
  Name: string;
  UsageData?: { Size: number; RefCount: number } | null;
}
interface DfCache {
  ID: string;
  /** The record this one builds on (API 1.41); `Parents` from 1.42. */
  Parent?: string;
  Parents?: string[] | null;
  Description?: string;
  Size: number;
  InUse: boolean;
  Shared: boolean;
}

/**
 * The build cache's records, children before their parents, each unused when the engine would
 * let it go: not in use, and no record in use builds on it (the engine keeps such a parent).
 */
function cacheRecords(cache: DfCache[]): (Item & { unused: boolean })[] {
  const parentsOf = (c: DfCache) => [...(c.Parents ?? []), ...(c.Parent ? [c.Parent] : [])];
  const byId = new Map(cache.map((c) => [c.ID, c]));
  const held = new Set<string>(); // in use, or an ancestor of one in use
  const hold = (id: string) => {
    if (held.has(id)) return;
    held.add(id);
    for (const p of parentsOf(byId.get(id) ?? { ID: id, Size: 0, InUse: false, Shared: false })) hold(p);
  };
  for (const c of cache) if (c.InUse) hold(c.ID);
  const depth = new Map<string, number>(); // how many ancestors: the deeper, the sooner it goes
  const depthOf = (c: DfCache, seen = new Set<string>()): number => {
    if (depth.has(c.ID)) return depth.get(c.ID)!;
    if (seen.has(c.ID)) return 0; // a loop the engine should never report
    seen.add(c.ID);
    const d = Math.max(0, ...parentsOf(c).map((p) => (byId.has(p) ? depthOf(byId.get(p)!, seen) + 1 : 0)));
    depth.set(c.ID, d);
    return d;
  };
  return [...cache].sort((a, b) => depthOf(b) - depthOf(a)).map((c) => ({ id: c.ID, name: c.Description || c.ID.slice(0, 12), size: c.Shared ? 0 : c.Size, unused: !held.has(c.ID) }));
}
interface Df {
  LayersSize?: number;
  Images?: DfImage[] | null;
  Containers?: DfContainer[] | null;
  Volumes?: DfVolume[] | null;
  BuildCache?: DfCache[] | null;
}

const tagsOf = (i: DfImage) => (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
const exclusive = (i: DfImage) => Math.max(0, i.Size - Math.max(0, i.SharedSize));
const sum = (xs: { size: number }[]) => xs.reduce((n, x) => n + x.size, 0);

type Item = CleanupPlan['items'][number];

/** Every item of a kind, each with whether the cleanup of that kind takes it (the engine's rules). */
function entriesOf(df: Df, kind: CleanupKind): (Item & { unused: boolean })[] {
  switch (kind) {
    case 'containers':
      return (df.Containers ?? []).map((c) => ({
        id: c.Id,
        name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
        size: c.SizeRw ?? 0,
        unused: c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting',
      }));
    case 'dangling-images':
    case 'unused-images':
      return [...(df.Images ?? [])]
        .sort((a, b) => b.Created - a.Created) // newest first: children before their parents
        .map((i) => ({
          id: i.Id,
          name: tagsOf(i).join(', ') || i.Id.replace(/^sha256:/, '').slice(0, 12),
          size: exclusive(i),
          unused: i.Containers <= 0 && (kind === 'unused-images' || tagsOf(i).length === 0),
        }));
    case 'volumes':
      return (df.Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, size: Math.max(0, v.UsageData?.Size ?? 0), unused: (v.UsageData?.RefCount ?? 0) === 0 }));
    case 'build-cache':
      return cacheRecords(df.BuildCache ?? []);
  }
}

/** The containers as listed now (state and names), each with its size from df when df had it. */
export function currentContainers(df: DfContainer[], list: { Id: string; Names?: string[]; State: string }[]): DfContainer[] {
  const sizes = new Map(df.map((c) => [c.Id, c.SizeRw]));
  return list.map((c) => ({ Id: c.Id, Names: c.Names, State: c.State, SizeRw: sizes.get(c.Id) ?? 0 }));
}

export function planFrom(df: Df, kind: CleanupKind): CleanupPlan {
  const items = entriesOf(df, kind)
    .filter((e) => e.unused)
    .map(({ id, name, size }) => ({ id, name, size }));
  return { kind, items, size: sum(items) };
}

/** Why a previewed item is no longer one to remove. */
const TAKEN_SINCE_PREVIEW: Record<CleanupKind, string> = {
  containers: 'started since the preview',
  'dangling-images': 'tagged or used by a container since the preview',
  'unused-images': 'used by a container since the preview',
  volumes: 'used by a container since the preview',
  'build-cache': 'in use since the preview',
};

export function usageFrom(df: Df): DiskUsage {
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  const cache = df.BuildCache ?? [];
  return {
    images: { count: images.length, size: df.LayersSize ?? images.reduce((n, i) => n + i.Size, 0), reclaimable: planFrom(df, 'unused-images').size },
    containers: { count: containers.length, size: containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0), reclaimable: planFrom(df, 'containers').size },
    volumes: { count: volumes.length, size: volumes.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0), reclaimable: planFrom(df, 'volumes').size },
    buildCache: { count: cache.length, size: cache.reduce((n, c) => n + c.Size, 0), reclaimable: planFrom(df, 'build-cache').size },
  };
}

export class DiskService {
  /** `vm`: the Berth VM's disk, given when the engine in use is the VM. */
  constructor(
    private readonly docker: Dockerode,
    private readonly vm?: VmDiskService,
  ) {}

  /** The VM disk on the host, or null when the engine in use is not the Berth VM. */
  vmDisk(): Promise<VmDiskInfo | null> {
    return this.vm ? this.vm.info() : Promise.resolve(null);
  }

  compact(): Promise<VmDiskCompaction> {
    if (!this.vm)
      return Promise.reject(
        new BerthError('CONFLICT', 'The engine in use is not the Berth VM: there is no VM disk to compact.', {
          hint: "Its disk is the host's own; clean up images, containers and volumes to free space.",
        }),
      );
    return this.vm.compact();
  }

  /**
   * The engine's `system df`. The engine shares one df among the calls made while it runs (and a df
   * over many containers takes seconds), so its containers may be older than the call: for a
   * container cleanup they are taken from the container list (current), with df's sizes.
   */
  private async df(kind?: CleanupKind): Promise<Df> {
    if (kind !== 'containers') return (await this.docker.df()) as Df;
    const [df, list] = await Promise.all([this.docker.df() as Promise<Df>, this.docker.listContainers({ all: true })]);
    return { ...df, Containers: currentContainers(df.Containers ?? [], list) };
  }

  /** One build-cache record (dockerode's pruneBuilder sends no filters; the engine takes one `id`). */
  private pruneCache(id: string): Promise<{ CachesDeleted?: string[] | null }> {
    return new Promise((resolve, reject) =>
      this.docker.modem.dial(
        { path: '/build/prune?', method: 'POST', options: { filters: { id: [id] } }, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as { CachesDeleted?: string[] | null })),
      ),
    );
  }

  async usage(): Promise<DiskUsage> {
    return usageFrom(await this.df());
  }

  async preview(kind: CleanupKind): Promise<CleanupPlan> {
    return planFrom(await this.df(kind), kind);
  }

  /**
   * Runs the cleanup. With `ids` (what the preview listed) it removes only those, and only while
   * still unused; without, everything unused now. Returns what was removed (the engine reports it
   * gone) and what was kept, with the reason.
   */
  async cleanup(kind: CleanupKind, ids?: string[]): Promise<CleanupPlan> {
    const all = entriesOf(await this.df(kind), kind);
    const picked = ids ? new Set(ids) : undefined;
    const targets = all.filter((e) => e.unused && (!picked || picked.has(e.id)));
    const refused = new Map<string, string>(); // id -> the reason it stays
    for (const e of all) if (!e.unused && picked?.has(e.id)) refused.set(e.id, TAKEN_SINCE_PREVIEW[kind]);
    const removed = new Set<string>();
    // One by one rather than the engine's prune (the build cache too: its prune takes one `id` filter):
    // a prune also takes what appeared after the preview; for images, `prune -a` strips the extra
    // tags of images in use; for volumes, from API 1.42 (Engine 23) it keeps named ones unless told
    // `all`. Without force, the engine refuses a container started or a volume taken into use
    // meanwhile, and says why.
    const oneByOne = async (remove: (id: string) => Promise<unknown>) => {
      for (const r of await bulk(
        targets.map((t) => t.id),
        remove,
      )) {
        if (r.ok) removed.add(r.id);
        else refused.set(r.id, r.error.message);
      }
    };
    switch (kind) {
      case 'containers':
        await oneByOne((id) => this.docker.getContainer(id).remove());
        break;
      case 'dangling-images':
      case 'unused-images':
        // In order (newest first: children before their parents), so not all at once.
        for (const t of targets) {
          await this.docker
            .getImage(t.id)
            .remove({ force: true, noprune: false })
            .then(
              () => removed.add(t.id),
              (e: unknown) => refused.set(t.id, toBerthError(e).message), // taken into use meanwhile, or a parent of another image
            );
        }
        break;
      case 'volumes':
        await oneByOne((name) => this.docker.getVolume(name).remove());
        break;
      case 'build-cache':
        // Children first (cacheRecords' order), one record at a time: a parent goes once its children have.
        for (const t of targets) {
          if (removed.has(t.id)) continue;
          await this.pruneCache(t.id).then(
            (r) => {
              for (const id of r.CachesDeleted ?? []) removed.add(id);
              if (!removed.has(t.id)) refused.set(t.id, 'the engine keeps it: an image or a newer cache record still uses it');
            },
            (e: unknown) => refused.set(t.id, toBerthError(e).message),
          );
        }
        break;
    }
    const items = all.filter((i) => removed.has(i.id)).map(({ id, name, size }) => ({ id, name, size })); // what the engine says went
    const kept = all.filter((i) => refused.has(i.id)).map((i) => ({ id: i.id, name: i.name, reason: refused.get(i.id)! }));
    return { kind, items, size: sum(items), ...(kept.length ? { kept } : {}) };
  }
}
