/** The raw `docker inspect` of the open container, for the Inspect tab. */
import { create } from 'zustand';
import { api } from '../api';

export interface InspectState {
  id?: string;
  data?: Record<string, unknown>;
  error?: string;
}

export const useInspect = create<InspectState>(() => ({}));

export async function loadInspect(id: string): Promise<void> {
  useInspect.setState({ id, data: undefined, error: undefined });
  try {
    const data = (await api().call('containers.inspect', { id })) as Record<string, unknown>;
    if (useInspect.getState().id === id) useInspect.setState({ data });
  } catch (e) {
    if (useInspect.getState().id === id) useInspect.setState({ error: (e as Error).message });
  }
}
