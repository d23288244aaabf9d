/** The disk usage page: `system df` figures, and cleanups previewed item by item before they run. */
import { create } from 'zustand';
import type { CleanupKind, CleanupPlan, DiskUsage } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { formatBytes } from '../lib/format';
import { closeDialog, toast } from './ui';

export const CLEANUP_LABELS: Record<CleanupKind, string> = {
  containers: 'stopped containers',
  'dangling-images': 'dangling images',
  'unused-images': 'unused images',
  volumes: 'unused volumes',
  'build-cache': 'build cache',
};

export interface DiskState {
  usage?: DiskUsage;
  error?: string;
  preview?: CleanupPlan;
  previewError?: string;
}

export const useDisk = create<DiskState>(() => ({}));

export async function loadUsage(): Promise<void> {
  try {
    useDisk.setState({ usage: await api().call('disk.usage'), error: undefined });
  } catch (e) {
    useDisk.setState({ error: (e as Error).message });
  }
}

export async function loadPreview(kind: CleanupKind): Promise<void> {
  useDisk.setState({ preview: undefined, previewError: undefined });
  try {
    useDisk.setState({ preview: await api().call('disk.preview', { kind }) });
  } catch (e) {
    useDisk.setState({ previewError: (e as Error).message });
  }
}

// The figures follow the engine: any resource change reloads them while the page is shown.
let shown = false;
whenConnected((c) => {
  for (const e of ['containers:changed', 'images:changed', 'volumes:changed'] as const) c.on(e, () => shown && void loadUsage());
});

/** For the page's effect: loads the figures and keeps them current until the returned cleanup. */
export function showUsage(): () => void {
  shown = true;
  void loadUsage();
  return () => void (shown = false);
}

/** Runs the cleanup; returns the error text for the dialog. */
export async function runCleanup(kind: CleanupKind): Promise<string | undefined> {
  try {
    const done = await api().call('disk.cleanup', { kind });
    toast({ kind: 'success', title: `Removed ${done.items.length} ${CLEANUP_LABELS[kind]}`, message: `${formatBytes(done.size)} reclaimed` });
    closeDialog();
    await loadUsage();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
