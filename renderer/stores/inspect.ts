/** The `docker inspect` of the open container for the Inspect tab: the raw JSON and its summary. */
import { create } from 'zustand';
import { api } from '../api';
import { inspectSummary, type SummaryRow } from '../lib/inspect-summary';

export interface InspectState {
  id?: string;
  data?: Record<string, unknown>;
  summary?: SummaryRow[];
  error?: string;
}

export const useInspect = create<InspectState>(() => ({}));

/** Loads (or reloads, keeping what is shown until the new answer is in) one container's inspect. */
export async function loadInspect(id: string): Promise<void> {
  useInspect.setState((s) => (s.id === id ? { error: undefined } : { id, data: undefined, summary: undefined, error: undefined }));
  try {
    const data = (await api().call('containers.inspect', { id })) as Record<string, unknown>;
    if (useInspect.getState().id === id) useInspect.setState({ data, summary: inspectSummary(data) });
  } catch (e) {
    if (useInspect.getState().id === id) useInspect.setState({ error: (e as Error).message });
  }
}
