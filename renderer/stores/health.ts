/**
 * Container health: changes announced in toasts (electron/shared/health.ts says which; the desktop
 * app also shows them as OS notifications: shell/main.ts), and the open Health tab's report. The
 * list rows follow by `containers:changed`.
 */
import { create } from 'zustand';
import { healthAnnouncer } from '../../electron/shared/health';
import type { HealthReport } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { toast } from './ui';

const announce = healthAnnouncer((n) => toast({ kind: n.kind === 'unhealthy' ? 'error' : 'success', title: n.title, message: n.message }));

whenConnected((c) => c.on('containers:health', announce));

export interface HealthTabState {
  id?: string;
  report?: HealthReport;
  error?: string;
}

export const useHealthReport = create<HealthTabState>(() => ({}));

let watched: string | undefined;

// Read again on a push only: each probe's end (an exec's), and any change of the container.
const load = coalesced(async () => {
  const id = watched;
  if (!id) return;
  try {
    const report = await api().call('containers.health', { id });
    if (watched === id) useHealthReport.setState({ report, error: undefined });
  } catch (e) {
    if (watched === id) useHealthReport.setState({ error: (e as Error).message });
  }
});

/** For the Health tab's effect: loads one container's report and keeps it current until the returned cleanup. */
export function watchHealth(id: string): () => void {
  watched = id;
  useHealthReport.setState((s) => (s.id === id ? { error: undefined } : { id, report: undefined, error: undefined }));
  void load();
  return () => {
    if (watched === id) watched = undefined;
  };
}

whenConnected((c) => {
  c.on('containers:changed', ({ ids }) => {
    if (watched && (ids.length === 0 || ids.includes(watched))) void load();
  });
  c.on('containers:exec-ended', ({ id }) => {
    if (id === watched) void load();
  });
});
