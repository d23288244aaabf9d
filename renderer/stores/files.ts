/**
 * The Files tab: the folder shown for the open container, and the downloads (saved as a tar) and
 * uploads in flight (see api/transfers for how the bytes move). Each transfer is a job in the jobs
 * registry too (the Jobs panel lists it; its end is said in a toast when the Files tab is away).
 */
import { create } from 'zustand';
import type { FolderListing } from '../../electron/shared/models';
import { api } from '../api';
import type { StreamCallbacks } from '../api/client';
import { receiveBlob, sendBlob } from '../api/transfers';
import { saveBlob } from '../lib/save-blob';
import { endJob, progressJob, startJob, type JobKind } from './jobs';
import { confirm } from './ui';

export interface Transfer {
  key: number;
  kind: 'download' | 'upload';
  /** What is moved: a path in the container (download) or a file name (upload). */
  label: string;
  bytes: number;
  total?: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  error?: string;
}

/**
 * Whose files are shown: a container's id, or `volume:<name>` for a volume's (read through a helper
 * container; no container id or volume name holds a colon).
 */
export const volumeFiles = (name: string) => `volume:${name}`;
const volumeOf = (id: string) => (id.startsWith('volume:') ? id.slice('volume:'.length) : undefined);
const listFolder = (id: string, path: string) => {
  const name = volumeOf(id);
  return name ? api().call('volumes.files.list', { name, path }) : api().call('containers.files.list', { id, path });
};
const downloadStream = (id: string, path: string, on: StreamCallbacks<Uint8Array>) => {
  const name = volumeOf(id);
  return name ? api().stream('volumes.files.download', { name, path }, on) : api().stream('containers.files.download', { id, path }, on);
};

export interface FilesState {
  id?: string;
  path: string;
  listing?: FolderListing;
  loading: boolean;
  error?: string;
  transfers: Transfer[];
}

export const useFiles = create<FilesState>(() => ({ path: '/', loading: false, transfers: [] }));

let seq = 0; // guards against a slow listing answering after a newer one
const cancels = new Map<number, () => void>();

export async function openFolder(id: string, path: string): Promise<void> {
  const mine = ++seq;
  const sameContainer = useFiles.getState().id === id;
  useFiles.setState({ id, path, loading: true, error: undefined, ...(sameContainer ? {} : { listing: undefined }) });
  try {
    const listing = await listFolder(id, path);
    if (mine === seq) useFiles.setState({ listing, path: listing.path, loading: false });
  } catch (e) {
    if (mine === seq) useFiles.setState({ error: (e as Error).message, loading: false });
  }
}

export function refreshFolder(): Promise<void> {
  const { id, path } = useFiles.getState();
  return id ? openFolder(id, path) : Promise.resolve();
}

export function parentOf(path: string): string {
  const up = path.replace(/\/[^/]*$/, '');
  return up || '/';
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

let nextKey = 1;
/** Transfers listed under the folder: the newest ones, finished or not. */
const KEEP_TRANSFERS = 10;
const jobOf = new Map<number, number>(); // transfer key -> its id in the jobs registry

/** Lists a transfer here and as a job (whose Retry runs `again`). */
function addTransfer(t: Omit<Transfer, 'key' | 'bytes' | 'status'>, cancel: () => void, job: { kind: JobKind; args: unknown; again: () => unknown }): number {
  const key = nextKey++;
  cancels.set(key, cancel);
  jobOf.set(key, startJob(job.kind, t.label, job.args, { cancel: () => cancelTransfer(key), retry: () => void job.again() }));
  if (t.total !== undefined) progressJob(jobOf.get(key)!, { fraction: 0, bytes: 0, total: t.total });
  useFiles.setState((s) => ({ transfers: [...s.transfers.slice(-(KEEP_TRANSFERS - 1)), { ...t, key, bytes: 0, status: 'running' }] }));
  return key;
}

function updateTransfer(key: number, patch: Partial<Transfer>): void {
  if (patch.status && patch.status !== 'running') cancels.delete(key);
  useFiles.setState((s) => ({ transfers: s.transfers.map((t) => (t.key === key ? { ...t, ...patch } : t)) }));
  const id = jobOf.get(key);
  if (id === undefined) return;
  if (patch.bytes !== undefined) {
    const total = useFiles.getState().transfers.find((t) => t.key === key)?.total;
    progressJob(id, { bytes: patch.bytes, ...(total ? { fraction: Math.min(1, patch.bytes / total) } : {}) });
  }
  if (patch.status && patch.status !== 'running') {
    jobOf.delete(key);
    endJob(id, patch.status === 'failed' ? { error: new Error(patch.error ?? 'failed') } : { cancelled: patch.status === 'cancelled' });
  }
}

export function cancelTransfer(key: number): void {
  cancels.get(key)?.();
  updateTransfer(key, { status: 'cancelled' });
}

/** Downloads a file or folder as `<name>.tar`; `save` hands the finished Blob to the browser. */
export async function downloadPath(id: string, path: string, save: (blob: Blob, name: string) => void = saveBlob): Promise<void> {
  const t = receiveBlob(
    (on) => downloadStream(id, path, on),
    'application/x-tar',
    (bytes) => updateTransfer(key, { bytes }),
  );
  const key = addTransfer({ kind: 'download', label: path }, t.cancel, { kind: 'download', args: { id, path }, again: () => downloadPath(id, path, save) });
  try {
    const blob = await t.done;
    if (!blob) return; // cancelled
    save(blob, `${path.split('/').pop() || 'root'}.tar`);
    updateTransfer(key, { status: 'done' });
  } catch (e) {
    updateTransfer(key, { status: 'failed', error: (e as Error).message });
  }
}

/** `docker export`: the whole filesystem as `<name>.tar` (not what volumes hold), listed with the transfers. */
export async function exportFilesystem(id: string, name: string, save: (blob: Blob, name: string) => void = saveBlob): Promise<void> {
  const t = receiveBlob(
    (on) => api().stream('containers.export', { id }, on),
    'application/x-tar',
    (bytes) => updateTransfer(key, { bytes }),
  );
  const key = addTransfer({ kind: 'download', label: `${name} (its whole filesystem)` }, t.cancel, { kind: 'export', args: { id }, again: () => exportFilesystem(id, name, save) });
  try {
    const blob = await t.done;
    if (!blob) return; // cancelled
    save(blob, `${name}.tar`);
    updateTransfer(key, { status: 'done' });
  } catch (e) {
    updateTransfer(key, { status: 'failed', error: (e as Error).message });
  }
}

/** Uploads one file into `dir`; resolves true when it is in the container, false when it failed or was cancelled. */
export async function uploadFile(id: string, dir: string, file: Blob & { name: string }): Promise<boolean> {
  const t = sendBlob(
    (on) => api().stream('containers.files.upload', { id, dir, name: file.name, size: file.size }, on),
    file,
    ({ bytes }) => updateTransfer(key, { bytes }),
  );
  const key = addTransfer({ kind: 'upload', label: file.name, total: file.size }, t.cancel, { kind: 'upload', args: { id, dir, name: file.name }, again: () => uploadFile(id, dir, file) });
  try {
    if (!(await t.done)) return false; // cancelled
    updateTransfer(key, { status: 'done', bytes: file.size });
    return true;
  } catch (e) {
    updateTransfer(key, { status: 'failed', error: (e as Error).message });
    return false;
  }
}

/** Uploads the files one after another into the folder shown (asking before replacing any), then lists it again. */
export async function uploadFiles(files: (Blob & { name: string })[]): Promise<void> {
  const { id, path, listing } = useFiles.getState();
  if (!id || !files.length) return;
  const existing = files.filter((f) => listing?.entries.some((e) => e.name === f.name));
  if (existing.length) {
    const answer = await confirm({
      title: `Replace ${existing.length === 1 ? existing[0]!.name : `${existing.length} files`}?`,
      body: `${existing.map((f) => f.name).join(', ')} already ${existing.length === 1 ? 'exists' : 'exist'} in ${path}. Uploading replaces ${existing.length === 1 ? 'it' : 'them'}.`,
      confirmLabel: 'Replace',
      danger: true,
    });
    if (!answer.ok) return;
  }
  let any = false;
  for (const f of files) any = (await uploadFile(id, path, f)) || any;
  if (any && useFiles.getState().id === id) await refreshFolder();
}
