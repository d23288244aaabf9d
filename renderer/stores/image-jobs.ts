/**
 * Long image operations shown in a dialog: pull, push, build, load and save, one at a time, with
 * their progress (per layer for pull/push, output lines for build). Each is a job in the jobs
 * registry (stores/jobs.ts). Closing the dialog does not stop one: it goes on (the Images page and
 * the Jobs panel show it, to reopen or cancel), and its end is said in a toast when no dialog
 * shows it. Only Cancel cancels. Plus the quick ones that report as toasts:
 * tag, history, registry logins.
 */
import { create } from 'zustand';
import type { ChunkOf, StreamArgsOf } from '../../electron/shared/api-contract';
import type { BuildStep, HistoryLayer, LoginStore, RegistryLogin } from '../../electron/shared/models';
import { api } from '../api';
import { receiveBlob, sendBlob } from '../api/transfers';
import { saveBlob } from '../lib/save-blob';
import { keptWhere } from '../lib/login-store';
import { applyProgress, emptyProgress, totals, type ProgressState } from '../lib/progress';
import { jobDoing } from '../../electron/shared/jobs';
import { endJob, progressJob, startJob, watchJobs, type JobProgress } from './jobs';
import { images } from './resources';
import { openDialog, toast } from './ui';

export type JobKind = 'pull' | 'push' | 'build' | 'load' | 'save';
export const BUILD_OUTPUT_LINES = 5000;

export interface JobState {
  kind?: JobKind;
  target?: string; // the reference, folder or file it works on
  /** Its entry in the jobs registry. */
  jobId?: number;
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: ProgressState;
  output: string[];
  /** Build: BuildKit's steps so far (the dialog shows them as a tree per stage). */
  steps: BuildStep[];
  bytes?: number;
  total?: number;
  imageId?: string;
  loaded?: string[];
  error?: string;
}

const idle = (): JobState => ({ status: 'idle', progress: emptyProgress(), output: [], steps: [] });
export const useJob = create<JobState>(idle);

let cancelCurrent: (() => void) | undefined;

/** Starts a job in the registry (its Reopen shows this dialog, its Retry runs `again`), or says why not. */
function begin(kind: JobKind, target: string, args: unknown, again: () => unknown, initial = target): boolean {
  if (useJob.getState().status === 'running') {
    const j = useJob.getState();
    toast({ kind: 'error', title: 'Another image operation is running', message: `${jobDoing({ kind: j.kind!, target: j.target! })} goes on: wait for it to finish or cancel it (Jobs).` });
    return false;
  }
  const jobId = startJob(kind, target, args, { cancel: cancelJob, reopen: () => openDialog({ kind: 'image-job', job: kind, initial }), retry: () => void again() });
  useJob.setState({ ...idle(), kind, target, jobId, status: 'running' });
  return true;
}

/** For the job dialog's effect: while it shows jobs of its kind, their end is said there, not in a toast. */
export const watchJob = (kind: JobKind): (() => void) => watchJobs(kind);

function finish(error?: Error): void {
  cancelCurrent = undefined;
  const { status, jobId } = useJob.getState();
  if (status !== 'running') return; // cancelled meanwhile
  useJob.setState(error ? { status: 'failed', error: error.message } : { status: 'done' });
  if (jobId) endJob(jobId, error ? { error } : {});
}

export function cancelJob(): void {
  cancelCurrent?.();
  cancelCurrent = undefined;
  const { status, jobId } = useJob.getState();
  if (status !== 'running') return;
  useJob.setState({ status: 'cancelled' });
  if (jobId) endJob(jobId, { cancelled: true });
}

export function resetJob(): void {
  if (useJob.getState().status !== 'running') useJob.setState(idle());
}

/** The running job's share done, for the registry. */
function reportProgress(p: JobProgress): void {
  const id = useJob.getState().jobId;
  if (id) progressJob(id, p);
}

function layerJob(kind: 'pull' | 'push', ref: string): Promise<boolean> {
  if (!begin(kind, ref, { ref }, () => layerJob(kind, ref))) return Promise.resolve(false);
  return new Promise((resolve) => {
    const h = api().stream(
      kind === 'pull' ? 'images.pull' : 'images.push',
      { ref },
      {
        onData: (batch) => {
          useJob.setState((s) => ({ progress: applyProgress(s.progress, batch) }));
          const t = totals(useJob.getState().progress);
          if (t.total > 0) reportProgress({ fraction: t.current / t.total, bytes: t.current, total: t.total });
        },
        onEnd: (error) => {
          finish(error);
          resolve(!error);
        },
      },
    );
    cancelCurrent = () => {
      h.cancel();
      resolve(false);
    };
  });
}

export const pullImage = (ref: string) => layerJob('pull', ref);
export const pushImage = (ref: string) => layerJob('push', ref);

export function buildImage(args: StreamArgsOf<'images.build'>): Promise<boolean> {
  if (!begin('build', args.context, args, () => buildImage(args), '')) return Promise.resolve(false);
  return new Promise((resolve) => {
    let carry = '';
    const h = api().stream('images.build', args, {
      onData: ({ text, imageId, steps }) => {
        if (imageId) useJob.setState({ imageId });
        if (steps) useJob.setState({ steps });
        if (!text) return;
        const lines = (carry + text).split('\n');
        carry = lines.pop()!;
        if (lines.length) useJob.setState((s) => ({ output: [...s.output, ...lines].slice(-BUILD_OUTPUT_LINES) }));
      },
      onEnd: (error) => {
        if (carry) useJob.setState((s) => ({ output: [...s.output, carry] }));
        finish(error);
        resolve(!error);
      },
    });
    cancelCurrent = () => {
      h.cancel();
      resolve(false);
    };
  });
}

export async function loadImages(file: Blob & { name: string }): Promise<boolean> {
  if (!begin('load', file.name, { file: file.name, size: file.size }, () => loadImages(file), '')) return false;
  useJob.setState({ bytes: 0, total: file.size });
  reportProgress({ fraction: 0, bytes: 0, total: file.size });
  const t = sendBlob<ChunkOf<'images.load'>>(
    (on) => api().stream('images.load', { size: file.size }, on),
    file,
    ({ bytes }) => {
      useJob.setState({ bytes });
      reportProgress({ fraction: file.size ? bytes / file.size : 1, bytes });
    },
  );
  cancelCurrent = t.cancel;
  try {
    const last = await t.done;
    if (!last) return false;
    useJob.setState({ loaded: last.loaded ?? [] });
    finish();
    return true;
  } catch (e) {
    finish(e as Error);
    return false;
  }
}

/** `docker save` of one image, downloaded as <name>.tar, with the bytes received as progress. */
export async function saveImage(id: string, save: (b: Blob, name: string) => void = saveBlob): Promise<boolean> {
  const label = images.label(id);
  if (!begin('save', label, { id }, () => saveImage(id, save), id)) return false;
  useJob.setState({ bytes: 0 });
  const t = receiveBlob(
    (on) => api().stream('images.save', { ids: [id] }, on),
    'application/x-tar',
    (bytes) => {
      useJob.setState({ bytes });
      reportProgress({ bytes });
    },
  );
  cancelCurrent = t.cancel;
  try {
    const blob = await t.done;
    if (!blob) return false;
    save(blob, `${label.replace(/[/:]/g, '_')}.tar`);
    finish();
    return true;
  } catch (e) {
    finish(e as Error);
    return false;
  }
}

/** Adds a tag; returns the error text for the dialog. */
export async function tagImage(id: string, tag: string): Promise<string | undefined> {
  try {
    await api().call('images.tag', { id, tag });
    toast({ kind: 'success', title: `Tagged ${tag}` });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

// ---- history
export interface HistoryState {
  id?: string;
  layers?: HistoryLayer[];
  error?: string;
}
export const useHistory = create<HistoryState>(() => ({}));

export async function loadHistory(id: string): Promise<void> {
  useHistory.setState({ id, layers: undefined, error: undefined });
  try {
    const layers = await api().call('images.history', { id });
    if (useHistory.getState().id === id) useHistory.setState({ layers });
  } catch (e) {
    if (useHistory.getState().id === id) useHistory.setState({ error: (e as Error).message });
  }
}

// ---- registries
/** The logins (no password), and where a new one for the registry typed would be kept (loadLoginTarget). */
export const useRegistries = create<{ logins: RegistryLogin[]; target?: LoginStore; error?: string }>(() => ({ logins: [] }));

export async function loadRegistries(): Promise<void> {
  try {
    const logins = await api().call('registries.list');
    useRegistries.setState({ logins, error: undefined });
  } catch (e) {
    useRegistries.setState({ error: (e as Error).message });
  }
}

let targetAsked = 0;
/** Where a login for the registry being typed would go: its own credential helper may differ from the others'. */
export async function loadLoginTarget(server: string): Promise<void> {
  const asked = ++targetAsked;
  const host = server.trim();
  try {
    const target = await api().call('registries.store', /^[a-zA-Z0-9.:[\]-]{1,256}$/.test(host) ? { server: host } : {});
    if (asked === targetAsked) useRegistries.setState({ target }); // a later keystroke's answer is the one that counts
  } catch {
    // the list's own load says what is wrong with the config; the words shown stay as they were
  }
}

export async function loginRegistry(server: string, username: string, password: string): Promise<string | undefined> {
  try {
    const store = await api().call('registries.login', { server, username, password });
    toast({ kind: 'success', title: `Logged in to ${server}`, message: `The login is ${keptWhere(store)}, shared with the docker CLI.` });
    await loadRegistries();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function logoutRegistry(server: string): Promise<void> {
  try {
    await api().call('registries.logout', { server });
    toast({ kind: 'success', title: `Logged out of ${server}` });
  } catch (e) {
    toast({ kind: 'error', title: `Could not log out of ${server}`, message: (e as Error).message });
  }
  await loadRegistries();
}
