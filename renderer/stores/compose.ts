/**
 * Compose up/down through the Compose CLI Berth found (see `compose.status`), with the CLI's
 * output kept for the dialog (the last COMPOSE_OUTPUT_LINES lines). One run at a time, each a job
 * in the jobs registry: closing the dialog leaves it running (the Jobs panel shows it).
 */
import { create } from 'zustand';
import type { StreamArgsOf } from '../../electron/shared/api-contract';
import type { ComposeStatus } from '../../electron/shared/models';
import { api } from '../api';
import { endJob, startJob } from './jobs';
import { closeDialog, confirm, openDialog, toast, useUi } from './ui';

export const COMPOSE_OUTPUT_LINES = 2000;
/** What a compose up starts with: its files in order, env file, profiles, `--build`, project. */
export type ComposeUpArgs = StreamArgsOf<'compose.up'>;
const RECENT_KEY = 'berth.composeFiles';

export interface ComposeState {
  status?: ComposeStatus;
  running?: RunKind;
  output: string[];
  /** Which run the output is of (the up dialog shows only an up's). */
  outputOf?: RunKind;
  /** What the last run of a project's service or images was, in words ("restart web"), and its project. */
  lastRun?: { project: string; what: string; error?: string; done: boolean };
  /** What the last `up` was started with (a reopened dialog shows it), and its failure. */
  upArgs?: ComposeUpArgs;
  upError?: string;
  /** Compose files used lately, newest first (kept in localStorage). */
  recent: string[];
  /** Projects whose services are folded away in the containers list. */
  collapsed: ReadonlySet<string>;
}

const storedRecent = (): string[] => {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 5) : [];
  } catch {
    return [];
  }
};

export const useCompose = create<ComposeState>(() => ({ output: [], recent: storedRecent(), collapsed: new Set() }));

/** Folds a project's services away in the containers list, or back out. */
export function toggleProject(name: string): void {
  useCompose.setState((s) => {
    const collapsed = new Set(s.collapsed);
    if (!collapsed.delete(name)) collapsed.add(name);
    return { collapsed };
  });
}

export async function loadComposeStatus(recheck = false): Promise<void> {
  try {
    useCompose.setState({ status: await api().call('compose.status', { recheck }) });
  } catch (e) {
    useCompose.setState({ status: { available: false, reason: (e as Error).message } });
  }
}

let handle: { cancel(): void } | undefined;
let runningJob: number | undefined;
let settle: ((error: string) => void) | undefined; // the run's promise, resolved by a cancel

/** What runs: up, down, one service's start/stop/restart, or pull/build of a project's images. */
export type RunKind = 'up' | 'down' | 'service' | 'images';
type Run =
  | { kind: 'compose-up'; args: ComposeUpArgs }
  | { kind: 'compose-down'; args: { project: string; removeVolumes: boolean } }
  | { kind: 'compose-service'; args: StreamArgsOf<'compose.service'> }
  | { kind: 'compose-images'; args: StreamArgsOf<'compose.images'> };
const KIND = { 'compose-up': 'up', 'compose-down': 'down', 'compose-service': 'service', 'compose-images': 'images' } as const;

/**
 * One compose run at a time, a job in the jobs registry; resolves to the error text, or undefined
 * once it is done. Closing the dialog does not stop it; only Cancel does.
 */
function runCompose(run: Run, target: string, again: () => unknown): Promise<string | undefined> {
  const now = useCompose.getState().running;
  if (now) {
    const refusal = `Compose ${now} is already running; wait for it to finish or cancel it (Jobs).`;
    if (useUi.getState().dialog?.kind !== 'compose-up') toast({ kind: 'error', title: `Could not start ${run.kind.replace('-', ' ')} of ${target}`, message: refusal });
    return Promise.resolve(refusal);
  }
  const kind = KIND[run.kind];
  useCompose.setState({ running: kind, output: [], outputOf: kind, ...(run.kind === 'compose-up' ? { upArgs: run.args, upError: undefined } : {}) });
  const id = startJob(run.kind, target, run.args, {
    cancel: cancelCompose,
    ...(run.kind === 'compose-up' ? { reopen: () => openDialog({ kind: 'compose-up' }) } : {}),
    retry: () => void again(),
  });
  runningJob = id;
  return new Promise((resolve) => {
    settle = resolve;
    const onData = (line: string) => useCompose.setState((s) => ({ output: [...s.output.slice(-(COMPOSE_OUTPUT_LINES - 1)), line] }));
    const onEnd = (error?: Error) => {
      if (runningJob !== id) return; // cancelled meanwhile
      handle = undefined;
      runningJob = undefined;
      settle = undefined;
      useCompose.setState({ running: undefined, ...(kind === 'up' && error ? { upError: error.message } : {}) });
      // A successful up closes its dialog: said in a toast then.
      endJob(id, error ? { error } : kind === 'up' ? { announce: true } : {});
      resolve(error?.message);
    };
    handle =
      run.kind === 'compose-up'
        ? api().stream('compose.up', run.args, { onData, onEnd })
        : run.kind === 'compose-down'
          ? api().stream('compose.down', run.args, { onData, onEnd })
          : run.kind === 'compose-service'
            ? api().stream('compose.service', run.args, { onData, onEnd })
            : api().stream('compose.images', run.args, { onData, onEnd });
  });
}

/** Who a compose up is of, in the jobs list: "shop (/srv/app/compose.yaml + 1 more)". */
export function upTarget(args: ComposeUpArgs): string {
  const files = args.files[0]! + (args.files.length > 1 ? ` + ${args.files.length - 1} more` : '');
  return args.project ? `${args.project} (${files})` : files;
}

/** `compose up -d`; resolves to the error text for the dialog, or undefined once the project is up. */
export async function composeUp(args: ComposeUpArgs): Promise<string | undefined> {
  const error = await runCompose({ kind: 'compose-up', args }, upTarget(args), () => composeUp(args));
  if (error) return error;
  useCompose.setState((s) => {
    const recent = [...args.files, ...s.recent.filter((f) => !args.files.includes(f))].slice(0, 5);
    globalThis.localStorage?.setItem(RECENT_KEY, JSON.stringify(recent));
    return { recent };
  });
  if (useUi.getState().dialog?.kind === 'compose-up') closeDialog(); // not another dialog opened meanwhile
  return undefined;
}

/** The up dialog opens on a clean slate unless a run goes on (its output is then shown). */
export function clearComposeOutput(): void {
  if (!useCompose.getState().running) useCompose.setState({ output: [], outputOf: undefined });
}

/** Stops the run in progress; for `up` of a new project Berth then removes what it had made. */
export function cancelCompose(): void {
  handle?.cancel();
  handle = undefined;
  const id = runningJob;
  runningJob = undefined;
  useCompose.setState({ running: undefined });
  if (id) endJob(id, { cancelled: true });
  settle?.('Cancelled: Compose stopped.');
  settle = undefined;
}

/** Asks first (down removes things); a Retry asks again, with the volumes choice made last time. */
export async function composeDown(project: string, removeVolumes = false): Promise<void> {
  const answer = await confirm({
    title: `Take down ${project}?`,
    body: `compose down stops and removes the project's containers and networks.`,
    confirmLabel: 'Down',
    danger: true,
    option: { label: 'Also remove its named volumes (their data is lost)', initial: removeVolumes },
  });
  if (answer.ok) await downProject(project, answer.option);
}

/** The run itself, once confirmed; its end is said in a toast. */
const downProject = (project: string, removeVolumes: boolean): Promise<string | undefined> =>
  runCompose({ kind: 'compose-down', args: { project, removeVolumes } }, project, () => composeDown(project, removeVolumes));

/** What a service or images run is, in words: "restart web", "pull". */
const runWords = (run: Extract<Run, { kind: 'compose-service' | 'compose-images' }>) => (run.kind === 'compose-service' ? `${run.args.action} ${run.args.service}` : run.args.verb);

/** Runs a project's service or images action as a job; the project dialog shows its output and outcome. */
async function projectRun(run: Extract<Run, { kind: 'compose-service' | 'compose-images' }>): Promise<string | undefined> {
  const project = run.args.project;
  const what = runWords(run);
  const busy = useCompose.getState().running;
  if (!busy) useCompose.setState({ lastRun: { project, what, done: false } });
  const error = await runCompose(run, `${what} (${project})`, () => projectRun(run));
  if (!busy) useCompose.setState({ lastRun: { project, what, done: true, ...(error ? { error } : {}) } });
  return error;
}

/** `compose start|stop|restart <service>` of a project. */
export const composeServiceAction = (project: string, service: string, action: 'start' | 'stop' | 'restart') => projectRun({ kind: 'compose-service', args: { project, service, action } });

/** `compose pull` or `compose build` of a project. */
export const composeImages = (project: string, verb: 'pull' | 'build') => projectRun({ kind: 'compose-images', args: { project, verb } });
