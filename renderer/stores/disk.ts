/**
 * The disk usage page: `system df` figures, cleanups previewed item by item before they run, and
 * (when the engine in use is the Berth VM) its disk file's real size on the host, with "compact now".
 */
import { create } from 'zustand';
import type { CleanupKind, CleanupPlan, DiskUsage, VmDiskCompaction, VmDiskInfo } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { formatBytes } from '../lib/format';
import { closeDialog, refusalOf, toast, type Refusal } from './ui';

export const CLEANUP_LABELS: Record<CleanupKind, string> = {
  containers: 'stopped containers',
  'dangling-images': 'dangling images',
  'unused-images': 'unused images',
  volumes: 'unused volumes',
  'build-cache': 'build cache',
};

/** "1 stopped container", "3 unused volumes", "the build cache". */
function countOf(n: number, kind: CleanupKind): string {
  if (kind === 'build-cache') return `${n} build cache ${n === 1 ? 'entry' : 'entries'}`;
  return `${n} ${n === 1 ? CLEANUP_LABELS[kind].replace(/s$/, '') : CLEANUP_LABELS[kind]}`;
}

export interface DiskState {
  usage?: DiskUsage;
  error?: string;
  preview?: CleanupPlan;
  previewError?: string;
  /** The VM disk on the host; null when the engine in use is not the Berth VM. */
  vmDisk?: VmDiskInfo | null;
  vmDiskError?: string;
  compacting?: boolean;
}

export const useDisk = create<DiskState>(() => ({}));

const fetchUsage = coalesced(async () => {
  try {
    useDisk.setState({ usage: await api().call('disk.usage'), error: undefined });
  } catch (e) {
    useDisk.setState({ error: (e as Error).message });
  }
});

export async function loadUsage(): Promise<void> {
  void loadVmDisk();
  await fetchUsage();
}

export const loadVmDisk = coalesced(async () => {
  try {
    useDisk.setState({ vmDisk: await api().call('disk.vm'), vmDiskError: undefined });
  } catch (e) {
    useDisk.setState({ vmDiskError: (e as Error).message });
  }
});

/** What a compaction gave the host, in words for its toast. */
export function compactionWords(r: VmDiskCompaction): { title: string; message: string } {
  const back = Math.max(0, r.before - r.after);
  const now = `the VM disk takes ${formatBytes(r.after)} of its ${formatBytes(r.max)} on this computer now`;
  if (back < 2 ** 20) return { title: 'Nothing more to give back', message: `Its free space had already been returned to this computer: ${now}.` };
  return { title: 'Compacted the VM disk', message: `This computer got ${formatBytes(back)} back: ${now}.` };
}

/** "Compact now": trims the VM's free space; the result (or why it could not) in a toast. */
export async function compactVmDisk(): Promise<void> {
  if (useDisk.getState().compacting) return;
  useDisk.setState({ compacting: true });
  try {
    toast({ kind: 'success', ...compactionWords(await api().call('disk.compact')) });
  } catch (e) {
    const r = refusalOf(e);
    toast({ kind: 'error', title: 'Could not compact the VM disk', message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
  } finally {
    useDisk.setState({ compacting: false });
    await loadVmDisk();
  }
}

let previewing: CleanupKind | undefined; // the kind whose preview dialog is open

// One preview at a time, each answer shown while its dialog is open: a busy engine's pushes come
// faster than `system df` answers, and showing only the latest asked would show none.
const fetchPreview = coalesced(async () => {
  const kind = previewing;
  if (!kind) return;
  try {
    const preview = await api().call('disk.preview', { kind });
    if (previewing === kind) useDisk.setState({ preview, previewError: undefined });
  } catch (e) {
    if (previewing === kind) useDisk.setState({ previewError: (e as Error).message });
  }
});

/** For the dialog's effect: loads the preview and keeps it current until the returned cleanup. */
export function showPreview(kind: CleanupKind): () => void {
  previewing = kind;
  useDisk.setState({ preview: undefined, previewError: undefined });
  void fetchPreview();
  return () => {
    if (previewing === kind) previewing = undefined;
  };
}

/** The guest gives freed blocks back at its next journal commit (every 5 s): the VM disk is read again after that. */
export const VM_DISK_SETTLE_MS = 6000;
let settle: ReturnType<typeof setTimeout> | undefined;

// The figures and an open preview follow the engine: any resource change reloads them; the VM
// disk also once the space freed has gone back to the host, and when the VM starts or stops.
let shown = false;
whenConnected((c) => {
  for (const e of ['containers:changed', 'images:changed', 'volumes:changed'] as const)
    c.on(e, () => {
      if (shown) void loadUsage();
      if (previewing) void fetchPreview();
      if (shown && useDisk.getState().vmDisk) {
        clearTimeout(settle);
        settle = setTimeout(() => shown && void loadVmDisk(), VM_DISK_SETTLE_MS);
      }
    });
  c.on('vm:status', () => shown && void loadVmDisk());
});

/** For the page's effect: loads the figures and keeps them current until the returned cleanup. */
export function showUsage(): () => void {
  shown = true;
  void loadUsage();
  return () => {
    shown = false;
    clearTimeout(settle);
  };
}

/** The most ids one `disk.cleanup` call takes (the contract's bound); a longer preview goes in parts. */
const CLEANUP_BATCH = 1000;

/** Runs the cleanup of exactly what the preview listed; returns the refusal for the dialog. */
export async function runCleanup(kind: CleanupKind): Promise<Refusal | undefined> {
  try {
    // Nothing made or taken into use since the preview is touched. Without a preview (none was
    // shown), the engine's own "everything unused now".
    const preview = useDisk.getState().preview;
    const ids = preview?.kind === kind ? preview.items.map((i) => i.id) : undefined;
    const done: CleanupPlan = { kind, items: [], size: 0 };
    const batches = ids ? Array.from({ length: Math.ceil(ids.length / CLEANUP_BATCH) }, (_, i) => ids.slice(i * CLEANUP_BATCH, (i + 1) * CLEANUP_BATCH)) : [undefined];
    for (const batch of batches) {
      const part = await api().call('disk.cleanup', { kind, ...(batch ? { ids: batch } : {}) });
      done.items.push(...part.items);
      done.size += part.size;
      if (part.kept?.length) (done.kept ??= []).push(...part.kept);
    }
    const kept = done.kept?.length ? `; kept ${done.kept.map((k) => `${k.name} (${k.reason})`).join(', ')}` : '';
    toast({ kind: done.kept?.length ? 'info' : 'success', title: `Removed ${countOf(done.items.length, kind)}`, message: `${formatBytes(done.size)} reclaimed${kept}` });
    closeDialog();
    await loadUsage();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  }
}
