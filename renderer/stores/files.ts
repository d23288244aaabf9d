/**
 * The Files tab: the folder shown for the open container, and the downloads and uploads in
 * flight. Uploads keep at most UPLOAD_WINDOW pieces unacknowledged, so a large file never sits in
 * memory or in the socket at once; downloads are collected as Blob parts and saved as a tar.
 */
import { create } from 'zustand';
import type { FolderListing } from '../../electron/shared/models';
import { UPLOAD_PIECE, UPLOAD_WINDOW } from '../../electron/shared/transfer';
import { api } from '../api';
import { fromBase64, toBase64 } from '../lib/base64';
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
    const listing = await api().call('containers.files.list', { id, path });
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
function addTransfer(t: Omit<Transfer, 'key' | 'bytes' | 'status'>, cancel: () => void): number {
  const key = nextKey++;
  cancels.set(key, cancel);
  useFiles.setState((s) => ({ transfers: [...s.transfers.slice(-(KEEP_TRANSFERS - 1)), { ...t, key, bytes: 0, status: 'running' }] }));
  return key;
}

function updateTransfer(key: number, patch: Partial<Transfer>): void {
  if (patch.status && patch.status !== 'running') cancels.delete(key);
  useFiles.setState((s) => ({ transfers: s.transfers.map((t) => (t.key === key ? { ...t, ...patch } : t)) }));
}

export function cancelTransfer(key: number): void {
  cancels.get(key)?.();
  updateTransfer(key, { status: 'cancelled' });
}

/** Downloads a file or folder as `<name>.tar`; `save` hands the finished Blob to the browser. */
export function downloadPath(id: string, path: string, save: (blob: Blob, name: string) => void = saveBlob): Promise<void> {
  return new Promise((resolve) => {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let bytes = 0;
    const key = addTransfer({ kind: 'download', label: path }, () => {
      h.cancel();
      resolve();
    });
    const h = api().stream('containers.files.download', { id, path }, {
      onData: (b64) => {
        const part = fromBase64(b64);
        parts.push(part);
        bytes += part.length;
        updateTransfer(key, { bytes });
      },
      onEnd: (error) => {
        if (error) updateTransfer(key, { status: 'failed', error: error.message });
        else {
          save(new Blob(parts, { type: 'application/x-tar' }), `${path.split('/').pop() || 'root'}.tar`);
          updateTransfer(key, { status: 'done' });
        }
        resolve();
      },
    });
  });
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Uploads one file into `dir`; resolves true when it is in the container, false when it failed or was cancelled. */
export function uploadFile(id: string, dir: string, file: Blob & { name: string }): Promise<boolean> {
  return new Promise((resolve) => {
    let sent = 0;
    let acked = 0;
    let reading = false;
    let over = false;
    const key = addTransfer({ kind: 'upload', label: file.name, total: file.size }, () => {
      over = true;
      h.cancel(); // the server drops the staged file: nothing reaches the container
      resolve(false);
    });
    const pump = async () => {
      if (reading) return;
      reading = true;
      while (!over && sent < file.size && sent - acked < UPLOAD_WINDOW * UPLOAD_PIECE) {
        const piece = new Uint8Array(await file.slice(sent, sent + UPLOAD_PIECE).arrayBuffer());
        if (over) break;
        sent += piece.length;
        h.send({ data: toBase64(piece) });
      }
      reading = false;
    };
    const h = api().stream('containers.files.upload', { id, dir, name: file.name, size: file.size }, {
      onData: ({ bytes }) => {
        acked = bytes;
        updateTransfer(key, { bytes });
        void pump();
      },
      onEnd: (error) => {
        over = true;
        updateTransfer(key, error ? { status: 'failed', error: error.message } : { status: 'done', bytes: file.size });
        resolve(!error);
      },
    });
    void pump();
  });
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
