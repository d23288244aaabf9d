/**
 * What the user can do, as module-level actions. Each calls the API, reports the outcome as
 * toasts (with the engine's reason on failure) and leaves list refreshes to the pushed events.
 * Form actions return the refusal instead (its text and hint), so the dialog stays open with the input kept.
 */
import { requests, type ArgsOf, type BulkResult, type ContainerAction } from '../../electron/shared/api-contract';
import { BerthError } from '../../electron/shared/errors';
import { api } from '../api';
import { formatIssues } from '../../electron/shared/validation';
import { containers, images, networks } from './resources';
import { closeDetail, closeDialog, confirm, refusalOf, toast, useUi, type Refusal, type Toast } from './ui';

const PAST: Record<ContainerAction, string> = {
  start: 'Started',
  stop: 'Stopped',
  restart: 'Restarted',
  pause: 'Paused',
  unpause: 'Resumed',
  kill: 'Killed',
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The names a confirmation lists: all of a few, the first ten of many. */
export function nameList(names: string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * A confirmation's sentence in the right number: `one(name)` for a single item,
 * `several("3 containers")` followed by the names for more.
 */
export function sentence(names: string[], noun: string, one: (name: string) => string, several: (count: string) => string): string {
  return names.length === 1 ? one(names[0]!) : `${several(plural(names.length, noun))}: ${nameList(names)}.`;
}

function errorToast(title: string, e: unknown): void {
  const err = BerthError.from(e);
  toast({ kind: 'error', title, message: err.message, hint: err.hint });
}

/** One toast for what worked, one per failure with the engine's reason. */
export function reportBulk(results: BulkResult[], done: string, failed: string, noun: string, label: (id: string) => string): void {
  const ok = results.filter((r) => r.ok).length;
  if (ok) toast({ kind: 'success', title: `${done} ${plural(ok, noun)}` });
  for (const r of results) {
    if (!r.ok) toast({ kind: 'error', title: `${failed} ${label(r.id)}`, message: r.error.message, hint: r.error.hint });
  }
}

/** The ids a bulk call removed (none when it failed as a whole). */
const removedOf = (results: BulkResult[] | undefined): string[] => (results ?? []).filter((r) => r.ok).map((r) => r.id);

async function attempt<T>(title: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    errorToast(title, e);
    return undefined;
  }
}

// ---- containers
export async function containerAction(ids: string[], action: ContainerAction): Promise<void> {
  const res = await attempt(`Could not ${action}`, () => api().call('containers.action', { ids, action }));
  if (res) reportBulk(res, PAST[action], `Could not ${action}`, 'container', containers.label);
}

/** Asks, removes, reports; resolves with the ids that are gone. */
export async function removeContainers(ids: string[]): Promise<string[]> {
  const names = containers.label;
  const answer = await confirm({
    title: `Remove ${plural(ids.length, 'container')}?`,
    body: `${sentence(
      ids.map(names),
      'container',
      (n) => `${n} will be deleted with its writable layer.`,
      (n) => `${n} will be deleted with their writable layers`,
    )} This cannot be undone.`,
    confirmLabel: 'Remove',
    danger: true,
    option: { label: ids.length === 1 ? 'Force: stop it first if it is running' : 'Force: stop running containers first', initial: false },
  });
  if (!answer.ok) return [];
  const res = await attempt('Could not remove', () => api().call('containers.remove', { ids, force: answer.option }));
  if (!res) return [];
  reportBulk(res, 'Removed', 'Could not remove', 'container', names);
  return removedOf(res);
}

/**
 * Remove from an item's own page: once it is gone, back to the list (unless the user already
 * left). `opened` is the page's place as its URL names it (a name, tag or short id), `id` the item's.
 */
export async function removeOpen(remove: (ids: string[]) => Promise<string[]>, id: string, opened = id): Promise<void> {
  const removed = await remove([id]);
  if (removed.includes(id) && useUi.getState().detail === opened) closeDetail();
}
export const removeOpenContainer = (id: string, opened = id) => removeOpen(removeContainers, id, opened);

// ---- images
export async function removeImages(ids: string[]): Promise<string[]> {
  const labels = images.label;
  const items = images.use.getState().items;
  // An image removed by id loses every tag: the confirm names them all.
  const allTags = (id: string) => {
    const tags = items.find((i) => i.id === id)?.tags ?? [];
    return tags.length > 1 ? `${tags.slice(0, -1).join(', ')} and ${tags.at(-1)}` : labels(id);
  };
  const users = items.filter((i) => ids.includes(i.id) && i.containers > 0).reduce((n, i) => n + i.containers, 0);
  const inUse = !users ? '' : ids.length > 1 ? ' Some of them are used by containers.' : users === 1 ? ' A container uses it.' : ` ${users} containers use it.`;
  const answer = await confirm({
    title: `Remove ${plural(ids.length, 'image')}?`,
    body: `${sentence(
      ids.map(allTags),
      'image',
      (n) => `${n} will be untagged and deleted.`,
      (n) => `${n} will be untagged and deleted`,
    )}${inUse}`,
    confirmLabel: 'Remove',
    danger: true,
    option: { label: ids.length === 1 ? 'Force: even if containers use it' : 'Force: even if containers use them', initial: false },
  });
  if (!answer.ok) return [];
  const res = await attempt('Could not remove', () => api().call('images.remove', { ids, force: answer.option }));
  if (res) reportBulk(res, 'Removed', 'Could not remove', 'image', labels);
  return removedOf(res);
}

// ---- volumes
/** Validates against the contract's own schema first, so the form shows the same reason the router would. */
function check<M extends keyof typeof requests>(method: M, args: ArgsOf<M>): string | undefined {
  const r = requests[method].args.safeParse(args);
  return r.success ? undefined : formatIssues(r.error);
}

/** A dialog's submit: on success say so and close the dialog; on failure return the reason (and hint) to show in it. */
async function submit<T>(run: () => Promise<T>, done: (value: T) => Omit<Toast, 'id' | 'kind'>): Promise<Refusal | undefined> {
  try {
    toast({ kind: 'success', ...done(await run()) });
    closeDialog();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  }
}

export function createVolume(args: ArgsOf<'volumes.create'>): Promise<string | Refusal | undefined> {
  const invalid = check('volumes.create', args);
  if (invalid) return Promise.resolve(invalid);
  return submit(
    () => api().call('volumes.create', args),
    (v) => ({ title: `Created volume ${v.name}` }),
  );
}

export async function removeVolumes(names: string[]): Promise<string[]> {
  const answer = await confirm({
    title: `Remove ${plural(names.length, 'volume')}?`,
    body: `${sentence(
      names,
      'volume',
      (n) => `${n} and all data in it will be deleted.`,
      (n) => `${n} and all data in them will be deleted`,
    )} This cannot be undone.`,
    confirmLabel: 'Remove',
    danger: true,
  });
  if (!answer.ok) return [];
  const res = await attempt('Could not remove', () => api().call('volumes.remove', { names }));
  if (res) reportBulk(res, 'Removed', 'Could not remove', 'volume', (name) => name);
  return removedOf(res);
}

export async function pruneVolumes(): Promise<void> {
  const answer = await confirm({ title: 'Remove unused volumes?', body: 'Every volume no container uses will be deleted with its data.', confirmLabel: 'Prune', danger: true });
  if (!answer.ok) return;
  const r = await attempt('Could not prune volumes', () => api().call('volumes.prune'));
  if (r) toast({ kind: 'success', title: `Removed ${plural(r.removed.length, 'unused volume')}` });
}

// ---- networks
export function createNetwork(args: ArgsOf<'networks.create'>): Promise<string | Refusal | undefined> {
  const invalid = check('networks.create', args);
  if (invalid) return Promise.resolve(invalid);
  return submit(
    () => api().call('networks.create', args),
    (n) => ({ title: `Created network ${n.name}`, message: n.subnets.join(', ') || undefined }),
  );
}

export async function removeNetworks(ids: string[]): Promise<string[]> {
  const names = networks.label;
  const body = sentence(
    ids.map(names),
    'network',
    (n) => `${n} will be deleted.`,
    (n) => `${n} will be deleted`,
  );
  const answer = await confirm({ title: `Remove ${plural(ids.length, 'network')}?`, body, confirmLabel: 'Remove', danger: true });
  if (!answer.ok) return [];
  const res = await attempt('Could not remove', () => api().call('networks.remove', { ids }));
  if (res) reportBulk(res, 'Removed', 'Could not remove', 'network', names);
  return removedOf(res);
}

export function connectNetwork(network: string, container: string): Promise<Refusal | undefined> {
  return submit(
    () => api().call('networks.connect', { network, container }),
    () => ({ title: `Connected ${container}` }),
  );
}

export async function disconnectNetwork(network: string, container: string, label = container): Promise<void> {
  try {
    await api().call('networks.disconnect', { network, container });
    toast({ kind: 'success', title: `Disconnected ${label}` });
  } catch (e) {
    errorToast(`Could not disconnect ${label}`, e);
  }
}

export async function pruneNetworks(): Promise<void> {
  const answer = await confirm({ title: 'Remove unused networks?', body: 'Every user network no container is connected to will be deleted.', confirmLabel: 'Prune', danger: true });
  if (!answer.ok) return;
  const r = await attempt('Could not prune networks', () => api().call('networks.prune'));
  if (r) toast({ kind: 'success', title: `Removed ${plural(r.removed.length, 'unused network')}` });
}
