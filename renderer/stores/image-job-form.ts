/**
 * The image job dialog's form (pull, push, build, load, save): its fields, whether it can be
 * submitted, and what each job is started with (the build's tags and args read from the text the
 * user typed). The dialog only shows the fields and calls these.
 */
import { create } from 'zustand';
import type { StreamArgsOf } from '../../electron/shared/api-contract';
import { buildImage, loadImages, pullImage, pushImage, saveImage, type JobKind } from './image-jobs';

export interface SecretRow {
  id: string;
  from: 'typed' | 'file';
  value: string; // the secret (typed) or the file's path
}

export interface ImageJobForm {
  /** The image reference (pull, push) or id (save). */
  ref: string;
  /** Build: the folder with the Dockerfile, on this machine. */
  context: string;
  dockerfile: string;
  /** Build: space or comma separated. */
  tags: string;
  /** Build: KEY=value, one a line. */
  buildArgs: string;
  target: string;
  noCache: boolean;
  /** Build: secrets for `RUN --mount=type=secret,id=...`, typed or a file's path on this machine. */
  secrets: SecretRow[];
  /** Load: the archive picked. */
  file?: File;
}

const empty = (ref = ''): ImageJobForm => ({ ref, context: '', dockerfile: '', tags: '', buildArgs: '', target: '', noCache: false, secrets: [] });

export const useImageJobForm = create<ImageJobForm>(() => empty());

/** A fresh form each time the dialog opens, with the reference it was opened for. */
export const resetImageJobForm = (initial?: string) => useImageJobForm.setState(empty(initial), true);
export const updateImageJobForm = (patch: Partial<ImageJobForm>) => useImageJobForm.setState(patch);

/** `KEY=value` a line; blank lines are skipped, the value is all after the first `=`. */
export function parseBuildArgs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => [l.split('=')[0]!, l.slice(l.indexOf('=') + 1)]),
  );
}

/** Tags as typed: space or comma separated, empty ones dropped. */
export const parseTags = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** The build's arguments as the API takes them: optional fields left out when blank. */
export function buildRequest(f: ImageJobForm): StreamArgsOf<'images.build'> {
  return {
    context: f.context.trim(),
    ...(f.dockerfile.trim() ? { dockerfile: f.dockerfile.trim() } : {}),
    tags: parseTags(f.tags),
    buildArgs: parseBuildArgs(f.buildArgs),
    ...(f.target.trim() ? { target: f.target.trim() } : {}),
    noCache: f.noCache,
    secrets: f.secrets.filter((s) => s.id.trim()).map((s) => (s.from === 'typed' ? { id: s.id.trim(), value: s.value } : { id: s.id.trim(), file: s.value.trim() })),
  };
}

export const addSecretRow = () => useImageJobForm.setState((f) => ({ secrets: [...f.secrets, { id: '', from: 'typed', value: '' }] }));
export const updateSecretRow = (i: number, patch: Partial<SecretRow>) => useImageJobForm.setState((f) => ({ secrets: f.secrets.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
export const removeSecretRow = (i: number) => useImageJobForm.setState((f) => ({ secrets: f.secrets.filter((_, j) => j !== i) }));

/** Whether the form says enough to start its job. */
export function formReady(kind: JobKind, f: ImageJobForm): boolean {
  return kind === 'load' ? !!f.file : kind === 'build' ? !!f.context.trim() : !!f.ref.trim();
}

/** Starts the form's job; the dialog shows its progress (a refusal is said by the job store). */
export async function submitImageJob(kind: JobKind): Promise<void> {
  const f = useImageJobForm.getState();
  if (kind === 'pull') await pullImage(f.ref.trim());
  else if (kind === 'push') await pushImage(f.ref.trim());
  else if (kind === 'load' && f.file) await loadImages(f.file);
  else if (kind === 'save') await saveImage(f.ref);
  else if (kind === 'build') await buildImage(buildRequest(f));
}
