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

const announce = healthAnnouncer();

whenConnected((c) =>
  c.on('containers:health', (h) => {
    const n = announce(h);
    if (n) toast({ kind: n.kind === 'unhealthy' ? 'error' : 'success', title: n.title, message: n.message });
  }),
);

export interface HealthTabState {
  id?: string;
  report?: HealthReport;
  error?: string;
}

export const useHealthReport = create<HealthTabState>(() => ({}));

/** Probes run without an event (only a change of health has one): the open tab reads them this often. */
const PROBE_READ_MIN_MS = 2000;
const PROBE_READ_MAX_MS = 30_000;

let watched: string | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;

const load = coalesced(async () => {
  const id = watched;
  if (!id) return;
  clearTimeout(timer);
  try {
    const report = await api().call('containers.health', { id });
    if (watched === id) useHealthReport.setState({ report, error: undefined });
  } catch (e) {
    if (watched === id) useHealthReport.setState({ error: (e as Error).message });
  }
  if (watched !== id) return;
  const every = useHealthReport.getState().report?.check?.interval ?? PROBE_READ_MAX_MS;
  timer = setTimeout(() => void load(), Math.min(PROBE_READ_MAX_MS, Math.max(PROBE_READ_MIN_MS, every)));
});

/** For the Health tab's effect: loads one container's report and keeps it current until the returned cleanup. */
export function watchHealth(id: string): () => void {
  watched = id;
  useHealthReport.setState((s) => (s.id === id ? { error: undefined } : { id, report: undefined, error: undefined }));
  void load();
  return () => {
    if (watched === id) watched = undefined;
    clearTimeout(timer);
  };
}

whenConnected((c) =>
  c.on('containers:changed', ({ ids }) => {
    if (watched && (ids.length === 0 || ids.includes(watched))) void load();
  }),
);
