/**
 * A volume's files out as a tar and a tar into a new volume: background jobs (listed in Jobs,
 * cancellable there, said in a toast at their end), going on when their dialog closes.
 */
import type { ChunkOf } from '../../electron/shared/api-contract';
import { api } from '../api';
import { receiveBlob, sendBlob } from '../api/transfers';
import { saveBlob } from '../lib/save-blob';
import { endJob, progressJob, startJob } from './jobs';

/** Downloads the volume's files as `<name>.tar`. */
export async function exportVolume(name: string, save: (blob: Blob, name: string) => void = saveBlob): Promise<void> {
  const t = receiveBlob((on) => api().stream('volumes.export', { name }, on), 'application/x-tar', (bytes) => progressJob(id, { bytes }));
  const id = startJob('volume-export', name, { name }, { cancel: () => (t.cancel(), endJob(id, { cancelled: true })), retry: () => void exportVolume(name, save) });
  try {
    const blob = await t.done;
    if (!blob) return endJob(id, { cancelled: true });
    save(blob, `${name}.tar`);
    endJob(id);
  } catch (e) {
    endJob(id, { error: e as Error });
  }
}

/** Fills the new (or empty) volume `name` from a tar file. Resolves once it ended, true when done. */
export async function importVolume(file: Blob, name: string): Promise<boolean> {
  const total = file.size;
  const t = sendBlob<ChunkOf<'volumes.import'>>((on) => api().stream('volumes.import', { name, size: total }, on), file, ({ bytes }) => progressJob(id, { fraction: total ? bytes / total : 1, bytes, total }));
  const id = startJob('volume-import', name, { name, size: total }, { cancel: () => (t.cancel(), endJob(id, { cancelled: true })), retry: () => void importVolume(file, name) });
  try {
    const last = await t.done;
    if (!last) {
      endJob(id, { cancelled: true });
      return false;
    }
    endJob(id);
    return true;
  } catch (e) {
    endJob(id, { error: e as Error });
    return false;
  }
}

/** Copies the volume `name` into a new volume `to`, with the bytes copied so far; the total is its `system df` size when known. Resolves true when done. */
export function cloneVolume(name: string, to: string, total?: number): Promise<boolean> {
  return new Promise((resolve) => {
    const h = api().stream('volumes.clone', { name, to }, {
      onData: ({ bytes }) => progressJob(id, { bytes, ...(total ? { total, fraction: Math.min(1, bytes / total) } : {}) }),
      onEnd: (error) => {
        endJob(id, error ? { error } : {});
        resolve(!error);
      },
    });
    const id = startJob('volume-clone', `${name} to ${to}`, { name, to }, { cancel: () => (h.cancel(), endJob(id, { cancelled: true }), resolve(false)), retry: () => void cloneVolume(name, to, total) });
  });
}
