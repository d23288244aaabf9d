/**
 * The compose project dialog's data: a project's services with their state (not created ones
 * too) and how it was brought up, read by `compose.project`, and read again on each
 * `containers:changed` push while the dialog shows (no polling).
 */
import { create } from 'zustand';
import type { ComposeProjectInfo } from '../../electron/shared/models';
import { api } from '../api';

export interface ComposeProjectView {
  project?: string;
  info?: ComposeProjectInfo;
  error?: string;
}

export const useComposeProject = create<ComposeProjectView>(() => ({}));

let asked = 0; // the last question asked: an older answer is dropped

export async function loadComposeProject(project: string): Promise<void> {
  const mine = ++asked;
  if (useComposeProject.getState().project !== project) useComposeProject.setState({ project, info: undefined, error: undefined }, true);
  try {
    const info = await api().call('compose.project', { project });
    if (mine === asked) useComposeProject.setState({ info, error: undefined });
  } catch (e) {
    if (mine === asked) useComposeProject.setState({ error: (e as Error).message });
  }
}

/** For the dialog's effect: reads the project now and after each change of containers; returns the disposer. */
export function watchComposeProject(project: string): () => void {
  void loadComposeProject(project);
  const off = api().on('containers:changed', () => void loadComposeProject(project));
  return () => {
    off();
    asked++;
    useComposeProject.setState({}, true);
  };
}
