/** The command palette (Ctrl/Cmd+K) and the shortcuts list (?): whether they show, and doing an entry. */
import { create } from 'zustand';
import type { PaletteEntry } from '../lib/palette';
import { containerAction } from './actions';
import { pullImage, useJob } from './image-jobs';
import { openRunDialog } from './run-form';
import { openDialog, showPlace, toast } from './ui';

export const usePalette = create<{ open: boolean; shortcuts: boolean }>(() => ({ open: false, shortcuts: false }));

export const openPalette = () => usePalette.setState({ open: true, shortcuts: false });
export const closePalette = () => usePalette.setState({ open: false });
export const openShortcuts = () => usePalette.setState({ shortcuts: true, open: false });
export const closeShortcuts = () => usePalette.setState({ shortcuts: false });

/** Closes the palette and does what the entry says. */
export async function runEntry(e: PaletteEntry): Promise<void> {
  const d = e.do;
  if (d.kind === 'none') return; // shown only to say why
  closePalette();
  switch (d.kind) {
    case 'go':
      return showPlace(d.place);
    case 'container':
      return void (await containerAction([d.id], d.action));
    case 'project':
      return void (await containerAction(d.ids, d.action));
    case 'pull': {
      const before = useJob.getState().jobId;
      const pulling = pullImage(d.ref); // refused in a toast of its own while another image job runs
      if (useJob.getState().jobId !== before) toast({ kind: 'info', title: `Pulling ${d.ref}`, message: 'Its progress is in Jobs.' }); // it started
      return void (await pulling);
    }
    case 'cleanup':
      return openDialog({ kind: 'cleanup', what: d.what });
    case 'run':
      return openRunDialog();
    case 'shortcuts':
      return openShortcuts();
  }
}
