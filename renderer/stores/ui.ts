/** UI state: the current view, theme, toasts, the confirm prompt and which form dialog is open. */
import { create } from 'zustand';
import { BerthError } from '../../electron/shared/errors';
import type { CleanupKind } from '../../electron/shared/models';
import type { ContainerTab, DetailView, Place, View } from '../../electron/shared/route';
import type { ConfirmAnswer, ConfirmRequest } from '../components/ConfirmDialog';
import type { Toast } from '../components/Toasts';

export type Theme = 'system' | 'light' | 'dark';

export type { Toast }; // the shapes of what components/ shows
export type { ConfirmAnswer, ConfirmRequest };

/** Why a form's submit was refused, and what to do about it (the engine's hint). */
export interface Refusal {
  message: string;
  hint?: string;
}

/** A failed submit as the refusal its dialog shows: the reason and the hint. */
export function refusalOf(e: unknown): Refusal {
  const err = BerthError.from(e);
  return { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
}

export type DialogState =
  | { kind: 'run' }
  | { kind: 'compose-up' }
  | { kind: 'compose-project'; project: string }
  | { kind: 'image-job'; job: 'pull' | 'push' | 'build' | 'load' | 'save'; initial?: string }
  | { kind: 'image-tag'; id: string }
  | { kind: 'image-history'; id: string }
  | { kind: 'registries' }
  | { kind: 'registry-browse'; server?: string }
  | { kind: 'cleanup'; what: CleanupKind }
  | { kind: 'volume-create' }
  | { kind: 'volume-import' }
  | { kind: 'volume-clone'; name: string; size?: number }
  | { kind: 'network-create' }
  | { kind: 'network-connect'; networkId: string; networkName: string }
  | { kind: 'container-rename'; id: string; name: string }
  | { kind: 'container-commit'; id: string; name: string };

/** A dialog's name, and the state a dialog of that name opens with (features/dialogs.tsx maps each to its component). */
export type DialogKind = DialogState['kind'];
export type DialogOf<K extends DialogKind> = Extract<DialogState, { kind: K }>;

export type { View } from '../../electron/shared/route';

interface UiState {
  view: View;
  /** The item of the view whose page is open (a container, image, volume or network): its id or name. */
  detail?: string;
  /** That page's tab (none: logs). */
  tab?: ContainerTab;
  /** The compose project whose merged logs are open (in the containers section). */
  projectLogs?: string;
  theme: Theme;
  toasts: Toast[];
  confirm?: ConfirmRequest & { resolve: (a: ConfirmAnswer) => void };
  dialog?: DialogState;
}

const THEME_KEY = 'berth.theme';
const storedTheme = (): Theme => {
  const t = globalThis.localStorage?.getItem(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
};

export const useUi = create<UiState>(() => ({ view: 'containers', theme: storedTheme(), toasts: [] }));

// Each of these is a place with a URL (stores/router.ts keeps the address bar and history in step).
export const setView = (view: View) => useUi.setState({ view, detail: undefined, tab: undefined, projectLogs: undefined });
export const openContainer = (id: string, tab?: ContainerTab) => useUi.setState({ view: 'containers', detail: id, tab, projectLogs: undefined });
export const setContainerTab = (tab: ContainerTab) => useUi.setState({ tab });
export const openDetail = (view: Exclude<DetailView, 'containers'>, id: string) => useUi.setState({ view, detail: id, tab: undefined, projectLogs: undefined });
/** Goes to a place as a URL names it (the router, the palette): what it does not name is cleared. */
export const showPlace = (place: Place) => useUi.setState({ detail: undefined, tab: undefined, projectLogs: undefined, ...place });
/** Back from an item's page (or a project's logs) to the list of its view. */
export const closeDetail = () => useUi.setState({ detail: undefined, tab: undefined, projectLogs: undefined });
export const showProjectLogs = (project: string) => useUi.setState({ view: 'containers', detail: undefined, tab: undefined, projectLogs: project });

/** What the page shows: "system" follows the OS preference. */
export function resolveTheme(theme: Theme, systemPrefersDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (systemPrefersDark ? 'dark' : 'light') : theme;
}

export function setTheme(theme: Theme): void {
  globalThis.localStorage?.setItem(THEME_KEY, theme);
  useUi.setState({ theme });
}

const TOAST_MS = { success: 4000, info: 5000, error: 10000 } as const;
let toastId = 0;

export function toast(t: Omit<Toast, 'id'>): number {
  const id = ++toastId;
  useUi.setState((s) => ({ toasts: [...s.toasts.slice(-4), { ...t, id }] }));
  setTimeout(() => dismissToast(id), TOAST_MS[t.kind]);
  return id;
}

export const dismissToast = (id: number) => useUi.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));

export function confirm(req: ConfirmRequest): Promise<ConfirmAnswer> {
  useUi.getState().confirm?.resolve({ ok: false, option: false });
  return new Promise((resolve) => useUi.setState({ confirm: { ...req, resolve } }));
}

export function answerConfirm(answer: ConfirmAnswer): void {
  const c = useUi.getState().confirm;
  useUi.setState({ confirm: undefined });
  c?.resolve(answer);
}

export const openDialog = (dialog: DialogState) => useUi.setState({ dialog });
export const closeDialog = () => useUi.setState({ dialog: undefined });
