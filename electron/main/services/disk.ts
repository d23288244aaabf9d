/**
 * Disk usage (`docker system df`) and the cleanups behind it. A cleanup's preview is computed from
 * a df snapshot with the engine's own rules (containers: not running; images: used by no
 * container, and untagged for "dangling"; volumes: used by no container; build cache: not in use),
 * so the preview lists what the cleanup then removes.
 */
import type Dockerode from 'dockerode';
import type { CleanupKind, CleanupPlan, DiskUsage } from '../../shared/models';

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
  Description?: string;
  Size: number;
  InUse: boolean;
  Shared: boolean;
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

export function planFrom(df: Df, kind: CleanupKind): CleanupPlan {
  let items: CleanupPlan['items'];
  switch (kind) {
    case 'containers':
      items = (df.Containers ?? []).filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting').map((c) => ({ id: c.Id, name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''), size: c.SizeRw ?? 0 }));
      break;
    case 'dangling-images':
    case 'unused-images':
      items = (df.Images ?? [])
        .filter((i) => i.Containers <= 0 && (kind === 'unused-images' || tagsOf(i).length === 0))
        .sort((a, b) => b.Created - a.Created) // newest first: children before their parents
        .map((i) => ({ id: i.Id, name: tagsOf(i).join(', ') || i.Id.replace(/^sha256:/, '').slice(0, 12), size: exclusive(i) }));
      break;
    case 'volumes':
      items = (df.Volumes ?? []).filter((v) => (v.UsageData?.RefCount ?? 0) === 0).map((v) => ({ id: v.Name, name: v.Name, size: Math.max(0, v.UsageData?.Size ?? 0) }));
      break;
    case 'build-cache':
      items = (df.BuildCache ?? []).filter((c) => !c.InUse).map((c) => ({ id: c.ID, name: c.Description || c.ID.slice(0, 12), size: c.Shared ? 0 : c.Size }));
      break;
  }
  return { kind, items, size: sum(items) };
}

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
  constructor(private readonly docker: Dockerode) {}

  private df(): Promise<Df> {
    return this.docker.df() as Promise<Df>;
  }

  async usage(): Promise<DiskUsage> {
    return usageFrom(await this.df());
  }

  async preview(kind: CleanupKind): Promise<CleanupPlan> {
    return planFrom(await this.df(), kind);
  }

  /** Runs the prune; returns what was removed (the preview's items the engine reports as gone). */
  async cleanup(kind: CleanupKind): Promise<CleanupPlan> {
    const before = planFrom(await this.df(), kind);
    let removed: Set<string>;
    switch (kind) {
      case 'containers': {
        const r = await this.docker.pruneContainers();
        removed = new Set(r.ContainersDeleted ?? []);
        break;
      }
      case 'dangling-images':
      case 'unused-images': {
        // Not the engine's prune: with -a it also strips the extra tags of images in use, which no
        // preview of "unused images" would show. Removing the previewed images one by one (in the
        // preview's order: newest first, so children go before their parents) removes exactly those.
        removed = new Set();
        for (const item of before.items) {
          const ok = await this.docker
            .getImage(item.id)
            .remove({ force: true, noprune: false })
            .then(() => true, () => false); // taken into use meanwhile, or a parent of another image: kept
          if (ok) removed.add(item.id);
        }
        break;
      }
      case 'volumes': {
        const r = await this.docker.pruneVolumes();
        removed = new Set(r.VolumesDeleted ?? []);
        break;
      }
      case 'build-cache': {
        const r = (await this.docker.pruneBuilder()) as { CachesDeleted?: string[] | null };
        removed = new Set(r.CachesDeleted ?? []);
        break;
      }
    }
    const items = before.items.filter((i) => removed.has(i.id));
    return { kind, items, size: sum(items) };
  }
}
