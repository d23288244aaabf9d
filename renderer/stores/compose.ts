/**
 * Compose up/down through the Compose CLI Berth found (see `compose.status`), with the CLI's
 * output kept for the dialog (the last COMPOSE_OUTPUT_LINES lines). One run at a time.
 */
import { create } from 'zustand';
import type { ComposeStatus } from '../../electron/shared/models';
import { api } from '../api';
import { closeDialog, confirm, toast } from './ui';

export const COMPOSE_OUTPUT_LINES = 2000;
const RECENT_KEY = 'berth.composeFiles';

export interface ComposeState {
  status?: ComposeStatus;
  running?: 'up' | 'down';
  output: string[];
  /** Compose files used lately, newest first (kept in localStorage). */
  recent: string[];
}

const storedRecent = (): string[] => {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 5) : [];
  } catch {
    return [];
  }
};

export const useCompose = create<ComposeState>(() => ({ output: [], recent: storedRecent() }));

export async function loadComposeStatus(recheck = false): Promise<void> {
  try {
    useCompose.setState({ status: await api().call('compose.status', { recheck }) });
  } catch (e) {
    useCompose.setState({ status: { available: false, reason: (e as Error).message } });
  }
}

let handle: { cancel(): void } | undefined;

function runCompose(kind: 'up' | 'down', start: (onData: (l: string) => void, onEnd: (e?: Error) => void) => { cancel(): void }): Promise<string | undefined> {
  if (useCompose.getState().running) return Promise.resolve('Compose is already running; wait for it to finish.');
  useCompose.setState({ running: kind, output: [] });
  return new Promise((resolve) => {
    handle = start(
      (line) => useCompose.setState((s) => ({ output: [...s.output.slice(-(COMPOSE_OUTPUT_LINES - 1)), line] })),
      (error) => {
        handle = undefined;
        useCompose.setState({ running: undefined });
        resolve(error?.message);
      },
    );
  });
}

/** `compose up -d`; resolves to the error text for the dialog, or undefined once the project is up. */
export async function composeUp(file: string, project?: string): Promise<string | undefined> {
  const error = await runCompose('up', (onData, onEnd) => api().stream('compose.up', project ? { file, project } : { file }, { onData, onEnd }));
  if (error) return error;
  useCompose.setState((s) => {
    const recent = [file, ...s.recent.filter((f) => f !== file)].slice(0, 5);
    globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(recent));
    return { recent };
  });
  toast({ kind: 'success', title: `Compose project is up`, message: file });
  closeDialog();
  return undefined;
}

/** Stops the run in progress; for `up` of a new project Berth then removes what it had made. */
export function cancelCompose(): void {
  handle?.cancel();
  handle = undefined;
  useCompose.setState({ running: undefined });
}

export async function composeDown(project: string): Promise<void> {
  const answer = await confirm({
    title: `Take down ${project}?`,
    body: `compose down stops and removes the project's containers and networks.`,
    confirmLabel: 'Down',
    danger: true,
    option: { label: 'Also remove its named volumes (their data is lost)', initial: false },
  });
  if (!answer.ok) return;
  const error = await runCompose('down', (onData, onEnd) => api().stream('compose.down', { project, removeVolumes: answer.option }, { onData, onEnd }));
  if (error) toast({ kind: 'error', title: `Could not take down ${project}`, message: error });
  else toast({ kind: 'success', title: `Took down ${project}` });
}
