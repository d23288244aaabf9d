/** The four resource lists and how each is searched, sorted and filtered. */
import type { ContainerHealth, ContainerSummary, ImageSummary, NetworkSummary, VolumeSummary } from '../../electron/shared/models';
import { shortId } from '../lib/format';
import { createListStore } from './list-store';

/** Sorted by health, the ones that need a look come first: unhealthy (longest failing first), starting, healthy, unchecked. */
const HEALTH_ORDER: Record<ContainerHealth, number> = { unhealthy: 0, starting: 1, healthy: 2, none: 3 };
/** Within one health, the longer failing first (any streak past this counts as this long). */
const STREAK_SORT_MAX = 1e6;

export const containers = createListStore<ContainerSummary>(
  'containers',
  'containers.list',
  {
    key: (c) => c.id,
    label: (c) => c.name,
    searchText: (c) =>
      `${c.name} ${c.image} ${c.id.slice(0, 12)} ${c.state} ${c.health === 'none' ? '' : c.health} ${c.composeProject ?? ''} ${c.ports.map((p) => p.publicPort ?? p.privatePort).join(' ')}`,
    sortValues: {
      name: (c) => c.name,
      image: (c) => c.image,
      state: (c) => c.state,
      health: (c) => HEALTH_ORDER[c.health] - Math.min(c.failingStreak ?? 0, STREAK_SORT_MAX) / (STREAK_SORT_MAX + 1),
      created: (c) => c.created,
    },
    filters: {
      running: (c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting',
      stopped: (c) => c.state === 'exited' || c.state === 'created' || c.state === 'dead',
      unhealthy: (c) => c.health === 'unhealthy',
    },
  },
  { key: 'created', dir: 'desc' },
);

export const images = createListStore<ImageSummary>(
  'images',
  'images.list',
  {
    key: (i) => i.id,
    label: (i) => i.tags[0] ?? shortId(i.id),
    searchText: (i) => `${i.tags.join(' ')} ${i.id.replace('sha256:', '').slice(0, 12)}`,
    sortValues: { tag: (i) => i.tags[0] ?? '~', size: (i) => i.size, created: (i) => i.created, containers: (i) => i.containers },
    filters: { dangling: (i) => i.dangling, unused: (i) => i.containers === 0 },
  },
  { key: 'created', dir: 'desc' },
);

export const volumes = createListStore<VolumeSummary>(
  'volumes',
  'volumes.list',
  {
    key: (v) => v.name,
    label: (v) => v.name,
    searchText: (v) => `${v.name} ${v.driver} ${v.usedBy.join(' ')}`,
    sortValues: { name: (v) => v.name, driver: (v) => v.driver, created: (v) => v.created ?? 0, inUse: (v) => v.usedBy.length },
    filters: { 'in-use': (v) => v.inUse, unused: (v) => !v.inUse },
  },
  { key: 'name', dir: 'asc' },
);

export const networks = createListStore<NetworkSummary>(
  'networks',
  'networks.list',
  {
    key: (n) => n.id,
    label: (n) => n.name,
    searchText: (n) => `${n.name} ${n.driver} ${n.subnets.join(' ')} ${n.containers.map((c) => c.name).join(' ')}`,
    sortValues: { name: (n) => n.name, driver: (n) => n.driver, created: (n) => n.created ?? 0, containers: (n) => n.containers.length },
  },
  { key: 'name', dir: 'asc' },
);
