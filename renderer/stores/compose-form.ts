/**
 * The Compose up dialog's form: the compose files as an ordered list (later ones override
 * earlier ones, as `-f` does), an env file, the profiles the files declare (read from Compose,
 * `compose.profiles`, shown as checkboxes), `--build` and the project name. The dialog only shows
 * the fields and calls these.
 */
import { create } from 'zustand';
import { api } from '../api';
import { clearComposeOutput, composeUp, type ComposeUpArgs } from './compose';

export interface ComposeUpForm {
  /** The files in order; blank rows are left out of the run. */
  files: string[];
  envFile: string;
  project: string;
  build: boolean;
  /** The profiles the files declare, once read; undefined before (or while the files change). */
  profiles?: string[];
  /** Why they could not be read (Compose's words: a broken file, a missing env file). */
  profilesError?: string;
  loadingProfiles: boolean;
  /** The profiles ticked. */
  chosen: string[];
}

const empty = (): ComposeUpForm => ({ files: [''], envFile: '', project: '', build: false, loadingProfiles: false, chosen: [] });

export const useComposeForm = create<ComposeUpForm>(() => empty());

/** How long typing may pause before the profiles are read again. */
export const PROFILES_DELAY_MS = 400;
let timer: ReturnType<typeof setTimeout> | undefined;
let asked = 0; // the last question asked: an older answer is dropped

/** A fresh form as the dialog opens: from the up it shows (running or failed), else the last file used. */
export function resetComposeForm(from?: ComposeUpArgs, recent?: string): void {
  clearTimeout(timer);
  asked++;
  clearComposeOutput();
  useComposeForm.setState(
    from
      ? { ...empty(), files: [...from.files], envFile: from.envFile ?? '', project: from.project ?? '', build: !!from.build, chosen: [...(from.profiles ?? [])] }
      : { ...empty(), files: [recent ?? ''] },
    true,
  );
  if (filled(useComposeForm.getState()).length) void loadProfiles();
}

const filled = (f: ComposeUpForm) => f.files.map((x) => x.trim()).filter(Boolean);

/** The files or env file changed: the profiles are read again once typing pauses. */
function sourceChanged(patch: Partial<ComposeUpForm>): void {
  asked++;
  useComposeForm.setState({ ...patch, profiles: undefined, profilesError: undefined, loadingProfiles: false });
  clearTimeout(timer);
  timer = setTimeout(() => void loadProfiles(), PROFILES_DELAY_MS);
}

export function setComposeFile(i: number, value: string): void {
  sourceChanged({ files: useComposeForm.getState().files.map((f, j) => (j === i ? value : f)) });
}

/** A new (blank) row at the end: a file that overrides the ones above it. */
export const addComposeFile = () => useComposeForm.setState((s) => ({ files: [...s.files, ''] }));

export function removeComposeFile(i: number): void {
  const files = useComposeForm.getState().files.filter((_, j) => j !== i);
  sourceChanged({ files: files.length ? files : [''] });
}

/** Moves a file up (-1) or down (+1) in the order. */
export function moveComposeFile(i: number, by: -1 | 1): void {
  const files = [...useComposeForm.getState().files];
  const j = i + by;
  if (j < 0 || j >= files.length) return;
  [files[i], files[j]] = [files[j]!, files[i]!];
  sourceChanged({ files });
}

export const setComposeEnvFile = (envFile: string) => sourceChanged({ envFile });
export const updateComposeForm = (patch: Partial<Pick<ComposeUpForm, 'project' | 'build'>>) => useComposeForm.setState(patch);

export function toggleComposeProfile(name: string): void {
  useComposeForm.setState((s) => ({ chosen: s.chosen.includes(name) ? s.chosen.filter((p) => p !== name) : [...s.chosen, name] }));
}

/** Reads the profiles of the files as they are now; ticked ones the files no longer declare are unticked. */
export async function loadProfiles(): Promise<void> {
  clearTimeout(timer);
  const f = useComposeForm.getState();
  const files = filled(f);
  if (!files.length) return;
  const mine = ++asked;
  useComposeForm.setState({ loadingProfiles: true, profilesError: undefined });
  try {
    const profiles = await api().call('compose.profiles', { files, ...(f.envFile.trim() ? { envFile: f.envFile.trim() } : {}) });
    if (mine !== asked) return;
    useComposeForm.setState((s) => ({ profiles, loadingProfiles: false, chosen: s.chosen.filter((p) => profiles.includes(p)) }));
  } catch (e) {
    if (mine !== asked) return;
    useComposeForm.setState({ profiles: undefined, loadingProfiles: false, profilesError: (e as Error).message });
  }
}

/** What the up is started with: blank rows and fields left out. */
export function upRequest(f: ComposeUpForm): ComposeUpArgs {
  return {
    files: filled(f),
    ...(f.envFile.trim() ? { envFile: f.envFile.trim() } : {}),
    ...(f.project.trim() ? { project: f.project.trim() } : {}),
    profiles: f.chosen,
    build: f.build,
  };
}

export const composeFormReady = (f: ComposeUpForm) => filled(f).length > 0;

/** Starts the up; resolves to the refusal or failure for the dialog. */
export function submitComposeUp(): Promise<string | undefined> {
  return composeUp(upRequest(useComposeForm.getState()));
}
