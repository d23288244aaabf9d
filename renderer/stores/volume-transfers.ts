/**
 * A volume's files out as a tar and a tar into a new volume: background jobs (listed in Jobs,
 * cancellable there, said in a toast at their end), going on when their dialog closes.
 */
import type { ChunkOf } from '../../electron/shared/api-contract';
import { api } from '../api';
import { receiveBlob, sendBlob } from '../api/transfers';
import { saveBlob } from '../lib/save-blob';
import { importProblem, nameProblem } from '../lib/volume-import';
import { endJob, progressJob, startJob } from './jobs';
import { volumes } from './resources';

/** Downloads the volume's files as `<name>.tar`. */
export async function exportVolume(name: string, save: (blob: Blob, name: string) => void = saveBlob): Promise<void> {
  const t = receiveBlob(
    (on) => api().stream('volumes.export', { name }, on),
    'application/x-tar',
    (bytes) => progressJob(id, { bytes }),
  );
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
  const t = sendBlob<ChunkOf<'volumes.import'>>(
    (on) => api().stream('volumes.import', { name, size: total }, on),
    file,
    ({ bytes }) => progressJob(id, { fraction: total ? bytes / total : 1, bytes, total }),
  );
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
    const h = api().stream(
      'volumes.clone',
      { name, to },
      {
        onData: ({ bytes }) => progressJob(id, { bytes, ...(total ? { total, fraction: Math.min(1, bytes / total) } : {}) }),
        onEnd: (error) => {
          endJob(id, error ? { error } : {});
          resolve(!error);
        },
      },
    );
    const id = startJob(
      'volume-clone',
      `${name} to ${to}`,
      { name, to },
      { cancel: () => (h.cancel(), endJob(id, { cancelled: true }), resolve(false)), retry: () => void cloneVolume(name, to, total) },
    );
  });
}

/** The Import dialog's submit: what is wrong with the form, in words, or nothing and the import started (it goes on in Jobs). */
export function startImport(name: string, file?: File): string | undefined {
  const wrong = importProblem(name, file);
  if (wrong || !file) return wrong;
  void importVolume(file, name.trim());
  return undefined;
}

/** The Clone dialog's submit: what is wrong with the new name (one the engine has is taken), or nothing and the clone started. */
export function startClone(name: string, to: string, size?: number): string | undefined {
  const wrong = nameProblem(
    to,
    volumes.use.getState().items.map((v) => v.name),
  );
  if (wrong) return wrong;
  void cloneVolume(name, to.trim(), size);
  return undefined;
}
