/**
 * The Swarm page's stacks: listed with their services and tasks running of wanted; one opened shows
 * its services with their tasks. A deploy (or redeploy) from compose files on this machine and a
 * removal each run as a job (the Jobs panel shows it), with the CLI's lines kept for the panel.
 * The files each stack was last deployed from are kept (localStorage), for Redeploy.
 */
import { create } from 'zustand';
import type { StackDetail, StackSummary } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { endJob, startJob } from './jobs';
import { confirm, toast } from './ui';

const FILES_KEY = 'berth.stackFiles';
export const STACK_OUTPUT_LINES = 1000;

export interface StacksState {
  stacks: StackSummary[];
  error?: string;
  /** The stack opened to its services, and them. */
  open?: string;
  detail?: StackDetail;
  /** The deploy or removal running, of which stack. */
  running?: { verb: 'deploy' | 'remove'; name: string };
  /** The last run's lines and, when it failed, its words. */
  output: string[];
  outputOf?: string;
  failure?: { message: string; hint?: string };
  /** The files each stack was deployed from here, for Redeploy. */
  files: Record<string, string[]>;
}

const storedFiles = (): Record<string, string[]> => {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(FILES_KEY) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((f) => typeof f === 'string')));
  } catch {
    return {};
  }
};

export const useStacks = create<StacksState>(() => ({ stacks: [], output: [], files: storedFiles() }));

export const loadStacks = coalesced(async () => {
  try {
    const stacks = await api().call('stacks.list');
    const open = useStacks.getState().open;
    const shown = !!open && stacks.some((s) => s.name === open);
    const detail = shown ? await api().call('stacks.get', { name: open }) : undefined;
    const still = useStacks.getState().open === open; // another one opened meanwhile: not its
    useStacks.setState({ stacks, error: undefined, ...(still ? { detail, ...(shown ? {} : { open: undefined }) } : {}) });
  } catch (e) {
    useStacks.setState({ error: (e as Error).message });
  }
});

whenConnected((client) => {
  client.on('swarm:changed', () => void loadStacks());
  client.onConnection((up) => up && void loadStacks());
  client.on('contexts:changed', () => {
    useStacks.setState({ stacks: [], open: undefined, detail: undefined, error: undefined });
    void loadStacks();
  });
});

/** Whether a stack is on its way (tasks starting, stopping, an update going): the engine pushes nothing for a task's state. */
export const stacksConverging = (s: StacksState) =>
  s.stacks.some((x) => x.running !== x.desired || x.updating) || !!s.detail?.services.some((x) => x.tasks.some((t) => t.desiredState === 'running' && t.state !== 'running'));

export async function toggleStack(name: string): Promise<void> {
  if (useStacks.getState().open === name) return void useStacks.setState({ open: undefined, detail: undefined });
  useStacks.setState({ open: name, detail: undefined });
  await loadStacks();
}

let handle: { cancel(): void } | undefined;
let runningJob: number | undefined;
let settle: ((done: boolean) => void) | undefined; // the run's promise, resolved by a cancel

/** One deploy or removal at a time from this window; resolves once it ended (the failure, if any, is in the store). */
function run(verb: 'deploy' | 'remove', name: string, files: string[] | undefined, again: () => unknown): Promise<boolean> {
  if (useStacks.getState().running) {
    toast({
      kind: 'error',
      title: `Could not start the ${verb} of ${name}`,
      message: `The ${useStacks.getState().running!.verb} of ${useStacks.getState().running!.name} is running; wait for it or cancel it.`,
    });
    return Promise.resolve(false);
  }
  useStacks.setState({ running: { verb, name }, output: [], outputOf: name, failure: undefined });
  const id = startJob(verb === 'deploy' ? 'stack-deploy' : 'stack-remove', name, { name, files }, { cancel: cancelStackRun, retry: () => void again() });
  runningJob = id;
  return new Promise((resolve) => {
    settle = resolve;
    const onData = (line: string) => useStacks.setState((s) => ({ output: [...s.output.slice(-(STACK_OUTPUT_LINES - 1)), line] }));
    const onEnd = (error?: Error & { hint?: string }) => {
      if (runningJob !== id) return; // cancelled meanwhile: settled then
      handle = undefined;
      runningJob = undefined;
      settle = undefined;
      useStacks.setState({ running: undefined, ...(error ? { failure: { message: error.message, ...(error.hint ? { hint: error.hint } : {}) } } : {}) });
      endJob(id, error ? { error } : {});
      void loadStacks();
      resolve(!error);
    };
    handle = verb === 'deploy' ? api().stream('stacks.deploy', { name, files: files! }, { onData, onEnd }) : api().stream('stacks.remove', { name }, { onData, onEnd });
  });
}

/** Stops the run in progress (a deploy that had not finished takes back what it made). */
export function cancelStackRun(): void {
  handle?.cancel();
  handle = undefined;
  const id = runningJob;
  runningJob = undefined;
  useStacks.setState({ running: undefined });
  if (id) endJob(id, { cancelled: true });
  settle?.(false);
  settle = undefined;
}

/** `docker stack deploy` of the files as `name`; the files are kept for Redeploy once it worked. */
export async function deployStack(name: string, files: string[]): Promise<boolean> {
  const done = await run('deploy', name, files, () => deployStack(name, files));
  if (done) {
    useStacks.setState((s) => {
      const kept = { ...s.files, [name]: files };
      globalThis.localStorage?.setItem(FILES_KEY, JSON.stringify(kept));
      return { files: kept };
    });
  }
  return done;
}

export async function removeStack(name: string): Promise<void> {
  const stack = useStacks.getState().stacks.find((s) => s.name === name);
  const answer = await confirm({
    title: `Remove the stack ${name}?`,
    body: `Its ${stack ? `${stack.services} service${stack.services === 1 ? '' : 's'} and their tasks` : 'services'} stop on every node, and its networks, secrets and configs are removed. Its volumes stay.`,
    confirmLabel: 'Remove',
    danger: true,
  });
  if (answer.ok) await run('remove', name, undefined, () => removeStack(name));
}
