/**
 * The compose project dialog's data: a project's services with their state (not created ones
 * too) and how it was brought up, read by `compose.project`, and read again on each
 * `containers:changed` push while the dialog shows (no polling).
 */
import { create } from 'zustand';
import type { ComposeProjectInfo } from '../../electron/shared/models';
import { api } from '../api';
import { coalesced } from '../lib/coalesce';

export interface ComposeProjectView {
  project?: string;
  info?: ComposeProjectInfo;
  error?: string;
}

export const useComposeProject = create<ComposeProjectView>(() => ({}));

/** Reads one project's data into the store, unless the dialog closed or turned to another project meanwhile. */
async function read(project: string, open: () => boolean): Promise<void> {
  try {
    const info = await api().call('compose.project', { project });
    if (open()) useComposeProject.setState({ info, error: undefined });
  } catch (e) {
    if (open()) useComposeProject.setState({ error: (e as Error).message });
  }
}

/**
 * For the dialog's effect: reads the project now and after each change of containers; returns the disposer.
 * The reads are coalesced (one at a time, one more after it for every push meanwhile, each answer used): a
 * project's containers push faster than `compose.project` (two Compose runs) answers, and keeping only the
 * latest asked would show nothing while they churn.
 */
export function watchComposeProject(project: string): () => void {
  let open = true;
  useComposeProject.setState({ project }, true);
  const load = coalesced(() => read(project, () => open));
  void load();
  const off = api().on('containers:changed', () => void load());
  return () => {
    open = false;
    off();
    useComposeProject.setState({}, true);
  };
}
