/** Pull/push progress: the engine's per-layer lines folded into one row per layer and a total. */
import type { LayerProgress } from '../../electron/shared/models';

export interface LayerRow {
  id: string;
  status: string;
  current?: number;
  total?: number;
}

export interface ProgressState {
  layers: LayerRow[];
  /** Lines about the whole image ("Digest: ...", "Status: Downloaded newer image ..."). */
  messages: string[];
}

export const emptyProgress = (): ProgressState => ({ layers: [], messages: [] });

const DONE = /complete|already exists|pushed|mounted from/i;

export function applyProgress(state: ProgressState, batch: LayerProgress[]): ProgressState {
  const layers = [...state.layers];
  const messages = [...state.messages];
  for (const p of batch) {
    if (!p.id || !/^[0-9a-f]{12}$/.test(p.id)) {
      // no layer id, or a tag as id ("latest: Pulling from x"): about the whole image
      messages.push(p.id ? `${p.id}: ${p.status}` : p.status);
      continue;
    }
    const i = layers.findIndex((l) => l.id === p.id);
    const prev = i >= 0 ? layers[i]! : undefined;
    // Keep the byte counts of the phase when the new line has none (e.g. "Download complete").
    const row: LayerRow = { id: p.id, status: p.status, current: p.current ?? (DONE.test(p.status) ? prev?.total : prev?.current), total: p.total ?? prev?.total };
    if (i >= 0) layers[i] = row;
    else layers.push(row);
  }
  return { layers, messages: messages.slice(-50) };
}

/** Bytes done and known in total, over the layers that reported sizes; done layers count in full. */
export function totals(state: ProgressState): { current: number; total: number; layersDone: number } {
  let current = 0;
  let total = 0;
  let layersDone = 0;
  for (const l of state.layers) {
    if (DONE.test(l.status)) layersDone++;
    if (l.total) {
      total += l.total;
      current += DONE.test(l.status) ? l.total : Math.min(l.current ?? 0, l.total);
    }
  }
  return { current, total, layersDone };
}
