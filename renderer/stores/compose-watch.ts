/**
 * `compose watch` of projects, started and stopped from the project dialog: its output lines (the
 * last WATCH_LINES) per project, kept while the watch runs and after it ends (with its error).
 * Closing the dialog leaves a watch running; Stop ends it (the main process kills Compose and its
 * children).
 */
import { create } from 'zustand';
import { api } from '../api';

export const WATCH_LINES = 1000;

export interface WatchState {
  running: boolean;
  lines: string[];
  error?: string;
}

export const useComposeWatch = create<{ watches: Record<string, WatchState> }>(() => ({ watches: {} }));

const handles = new Map<string, { cancel(): void }>();

const patch = (project: string, p: Partial<WatchState>) =>
  useComposeWatch.setState((s) => ({ watches: { ...s.watches, [project]: { ...(s.watches[project] ?? { running: false, lines: [] }), ...p } } }));

/** Starts `compose watch` of a project (nothing when one of it runs here already). */
export function startWatch(project: string): void {
  if (handles.has(project)) return;
  patch(project, { running: true, lines: [], error: undefined });
  const h = api().stream(
    'compose.watch',
    { project },
    {
      onData: (line: string) =>
        useComposeWatch.setState((s) => {
          const w = s.watches[project];
          return w ? { watches: { ...s.watches, [project]: { ...w, lines: [...w.lines.slice(-(WATCH_LINES - 1)), line] } } } : s;
        }),
      onEnd: (error?: Error) => {
        if (handles.get(project) !== h) return; // stopped meanwhile
        handles.delete(project);
        patch(project, { running: false, ...(error ? { error: error.message } : {}) });
      },
    },
  );
  handles.set(project, h);
}

/** Stops a project's watch. */
export function stopWatch(project: string): void {
  const h = handles.get(project);
  if (!h) return;
  handles.delete(project);
  h.cancel();
  patch(project, { running: false });
}
