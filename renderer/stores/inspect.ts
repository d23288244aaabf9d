/** The open container's Inspect tab: its detail (the service reads `docker inspect`) as summary rows, and the raw JSON shown as text. */
import { create } from 'zustand';
import { api } from '../api';
import { inspectSummary, type SummaryRow } from '../lib/inspect-summary';

export interface InspectState {
  id?: string;
  /** The engine's JSON, only to show (the facts come typed, in `summary`). */
  data?: unknown;
  summary?: SummaryRow[];
  error?: string;
}

export const useInspect = create<InspectState>(() => ({}));

/** Loads (or reloads, keeping what is shown until the new answer is in) one container's inspect. */
export async function loadInspect(id: string): Promise<void> {
  useInspect.setState((s) => (s.id === id ? { error: undefined } : { id, data: undefined, summary: undefined, error: undefined }));
  try {
    const { json, detail } = await api().call('containers.inspectView', { id });
    if (useInspect.getState().id === id) useInspect.setState({ data: json, summary: inspectSummary(detail) });
  } catch (e) {
    if (useInspect.getState().id === id) useInspect.setState({ error: (e as Error).message });
  }
}
