/** A container's own actions on its page: run again, copy as docker run, rename, commit to an image. */
import { toDockerRunCommand, type RunSpecInput } from '../../electron/shared/run-spec';
import { api } from '../api';
import { shortId } from '../lib/format';
import { openRunDialogWith } from './run-form';
import { specToForm } from './run-form-spec';
import { closeDialog, refusalOf, toast, type Refusal } from './ui';

async function specOf(id: string, what: string): Promise<{ spec: RunSpecInput; left: string[] } | undefined> {
  try {
    return await api().call('containers.runSpec', { id });
  } catch (e) {
    const r = refusalOf(e);
    toast({ kind: 'error', title: `Could not read the settings to ${what}`, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
    return undefined;
  }
}

/** The Run dialog, filled in with this container's settings (no name: the engine's is taken). */
export async function runAgain(id: string): Promise<void> {
  const r = await specOf(id, 'run it again');
  if (!r) return;
  openRunDialogWith(specToForm({ ...r.spec, name: undefined }));
  if (r.left.length) toast({ kind: 'info', title: 'Not carried over to the Run dialog', message: `It has no fields for these settings of the container: ${r.left.join(', ')}.` });
}

const leftWords = (left: string[]) => (left.length ? ` Not in it, as Berth does not carry them over: ${left.join(', ')}.` : '');

export async function copyRunCommand(id: string, copy = (t: string) => navigator.clipboard.writeText(t)): Promise<void> {
  const r = await specOf(id, 'copy it as docker run');
  if (!r) return;
  const line = toDockerRunCommand({ ...r.spec, name: undefined });
  try {
    await copy(line);
    toast({ kind: 'success', title: 'Copied the docker run command', message: `${line}${leftWords(r.left)}` });
  } catch {
    toast({ kind: 'error', title: 'Could not copy the docker run command', message: line });
  }
}

export async function renameContainer(id: string, name: string): Promise<Refusal | undefined> {
  try {
    await api().call('containers.rename', { id, name });
    toast({ kind: 'success', title: `Renamed to ${name}` });
    closeDialog();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  }
}

export interface CommitForm {
  ref: string;
  message: string;
  author: string;
  /** One Dockerfile instruction a line (CMD, ENV, EXPOSE, …). */
  changes: string;
  pause: boolean;
}

export async function commitContainer(id: string, f: CommitForm): Promise<Refusal | undefined> {
  const ref = f.ref.trim();
  try {
    const image = await api().call('containers.commit', {
      id,
      ...(ref ? { ref } : {}),
      ...(f.message.trim() ? { message: f.message.trim() } : {}),
      ...(f.author.trim() ? { author: f.author.trim() } : {}),
      changes: f.changes
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      pause: f.pause,
    });
    toast({ kind: 'success', title: `Committed as ${ref || shortId(image.id.replace(/^sha256:/, ''))}`, message: 'The new image is in Images.' });
    closeDialog();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  }
}
