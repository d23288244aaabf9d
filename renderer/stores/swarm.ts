/**
 * The Swarm page: the engine's place in a swarm, its nodes (a manager's view), and the join tokens,
 * fetched only when the user asks to see them. Refreshed by the engine's node/service pushes
 * (`swarm:changed`), on reconnect and on a switch of engine.
 */
import { create } from 'zustand';
import type { JoinTokens, NodeAvailability, NodeRole, ServiceSummary, SwarmNode, SwarmState, TaskInfo } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { runSpecToService, type ServiceChoice } from '../lib/service-form';
import { openRunDialog, useRunForm } from './run-form';
import { formToSpec } from './run-form-spec';
import type { RunForm } from './run-fields';
import { closeDialog, confirm, refusalOf, toast, type Refusal } from './ui';

export interface SwarmPage {
  state?: SwarmState;
  nodes: SwarmNode[];
  error?: string;
  /** Shown once asked for (they let anyone join); gone again on Hide or another engine. */
  tokens?: JoinTokens;
  /** A node or service action in flight, by id: its buttons wait. */
  busy: string[];
  services: ServiceSummary[];
  /** The service whose tasks are shown, and them. */
  tasksOf?: string;
  tasks: TaskInfo[];
  /** The service whose merged logs are shown (its name kept: a service removed meanwhile is still named), its tasks for the filter, and the filter. */
  logsOf?: { id: string; name: string };
  logTasks: TaskInfo[];
  logFilter: { task?: string; node?: string };
  /** The Run dialog on a manager: whether it makes a service instead of a container, and how it runs. */
  runAsService: { on: boolean; mode: 'replicated' | 'global'; replicas: string; publish: 'ingress' | 'host' };
}

export const useSwarm = create<SwarmPage>(() => ({
  nodes: [],
  busy: [],
  services: [],
  tasks: [],
  logTasks: [],
  logFilter: {},
  runAsService: { on: false, mode: 'replicated', replicas: '1', publish: 'ingress' },
}));

/** Bumped on a switch of engine: an answer asked of the old one is not shown. */
let engineGeneration = 0;

export const loadSwarm = coalesced(async () => {
  try {
    const state = await api().call('swarm.info');
    const manager = state.state === 'active' && state.manager;
    const [nodes, services] = manager ? await Promise.all([api().call('nodes.list'), api().call('services.list')]) : [[], []];
    const tasksOf = useSwarm.getState().tasksOf;
    const shown = manager && !!tasksOf && services.some((s) => s.id === tasksOf);
    const tasks = shown ? await api().call('services.tasks', { id: tasksOf }) : [];
    // Another service's tasks asked for meanwhile: these are not its; a service gone closes its panel.
    const still = useSwarm.getState().tasksOf === tasksOf;
    useSwarm.setState({ state, nodes, services, error: undefined, ...(state.manager ? {} : { tokens: undefined }), ...(still ? { tasks, ...(shown ? {} : { tasksOf: undefined }) } : {}) });
  } catch (e) {
    useSwarm.setState({ error: (e as Error).message });
  }
});

whenConnected((client) => {
  client.on('swarm:changed', () => void loadSwarm());
  client.onConnection((up) => up && void loadSwarm());
  client.on('contexts:changed', () => {
    engineGeneration++;
    useSwarm.setState({ state: undefined, nodes: [], services: [], tasks: [], tasksOf: undefined, tokens: undefined, error: undefined, logsOf: undefined, logTasks: [], logFilter: {} });
    void loadSwarm();
  });
});

/** Runs one call; a refusal (for its form) or undefined, `reload` run either way. */
export async function actThen(reload: () => Promise<unknown>, call: () => Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await call();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  } finally {
    await reload();
  }
}

/** Runs one swarm call; the page reloaded either way. */
const act = (call: () => Promise<unknown>) => actThen(loadSwarm, call);

export const initSwarm = (advertiseAddr: string) => act(() => api().call('swarm.init', { advertiseAddr }));

export const joinSwarm = (remoteAddr: string, token: string, advertiseAddr: string) => act(() => api().call('swarm.join', { remoteAddr, token, advertiseAddr }));

export async function addEngine(context: string, role: NodeRole, advertiseAddr: string): Promise<Refusal | undefined> {
  const r = await act(async () => {
    const node = await api().call('swarm.addEngine', { context, role, advertiseAddr });
    toast({ kind: 'success', title: `${context} joined the swarm`, message: `As a ${node.role}, node ${node.hostname} at ${node.addr}.` });
  });
  return r;
}

export async function leaveSwarm(): Promise<void> {
  const manager = useSwarm.getState().state?.manager;
  const answer = await confirm({
    title: 'Leave the swarm?',
    body: manager
      ? 'This engine is a manager. Leaving may cost the swarm its quorum; if it is the last manager, the swarm ends and its services with it. Demote it first from another manager to leave safely.'
      : 'This engine stops being a node: its tasks stop here and the managers run them elsewhere.',
    confirmLabel: 'Leave',
    danger: true,
    ...(manager ? { option: { label: 'Force (needed for a manager)', initial: false } } : {}),
  });
  if (!answer.ok) return;
  const r = await act(() => api().call('swarm.leave', { force: answer.option }));
  if (r) toast({ kind: 'error', title: 'The engine did not leave the swarm', message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
  else useSwarm.setState({ tokens: undefined });
}

export async function showTokens(): Promise<void> {
  const asked = engineGeneration;
  try {
    const tokens = await api().call('swarm.joinTokens');
    if (asked === engineGeneration) useSwarm.setState({ tokens }); // not another engine's swarm's
  } catch (e) {
    const r = refusalOf(e);
    toast({ kind: 'error', title: 'The join tokens could not be read', message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
  }
}

export const hideTokens = () => useSwarm.setState({ tokens: undefined });

/** A node's change from its row; said in a toast when refused. */
export async function updateNode(node: SwarmNode, change: { availability?: NodeAvailability; role?: NodeRole; labels?: Record<string, string> }): Promise<Refusal | undefined> {
  useSwarm.setState((s) => ({ busy: [...s.busy, node.id] }));
  try {
    const r = await act(() => api().call('nodes.update', { id: node.id, ...change }));
    if (r && !change.labels) toast({ kind: 'error', title: `${node.hostname} was not changed`, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
    return r;
  } finally {
    useSwarm.setState((s) => ({ busy: s.busy.filter((id) => id !== node.id) }));
  }
}

export async function removeNode(node: SwarmNode): Promise<void> {
  const answer = await confirm({
    title: `Remove ${node.hostname} from the swarm?`,
    body: `Node ${node.id.slice(0, 12)} (${node.addr}) leaves the node list. A node that is still up or still runs tasks is refused unless forced; a forced one that is still up keeps running as if it were in the swarm until its engine leaves.`,
    confirmLabel: 'Remove',
    danger: true,
    option: { label: 'Force', initial: false },
  });
  if (!answer.ok) return;
  const r = await act(() => api().call('nodes.remove', { id: node.id, force: answer.option }));
  if (r) toast({ kind: 'error', title: `${node.hostname} was not removed`, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
}

// ---- services

/**
 * Whether a service is still on its way (tasks starting or stopping, an update or rollback going):
 * the engine pushes no event for a task's state, so the page asks again meanwhile (SwarmView).
 */
export const converging = (s: SwarmPage) =>
  s.services.some((x) => x.running !== x.desired || /^(updating|rollback_started)$/.test(x.update?.state ?? '')) || (!!s.tasksOf && s.tasks.some((t) => t.state !== t.desiredState));

/** One service action from its row; said in a toast when refused. */
async function serviceAction(s: ServiceSummary, what: string, call: () => Promise<unknown>): Promise<Refusal | undefined> {
  useSwarm.setState((st) => ({ busy: [...st.busy, s.id] }));
  try {
    const r = await act(call);
    if (r) toast({ kind: 'error', title: `${s.name}: ${what} refused`, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
    return r;
  } finally {
    useSwarm.setState((st) => ({ busy: st.busy.filter((id) => id !== s.id) }));
  }
}

export const scaleService = (s: ServiceSummary, replicas: number) => serviceAction(s, 'scale', () => api().call('services.scale', { id: s.id, replicas }));
export const setServiceImage = (s: ServiceSummary, image: string) => serviceAction(s, 'update', () => api().call('services.setImage', { id: s.id, image }));
export const rollbackService = (s: ServiceSummary) => serviceAction(s, 'rollback', () => api().call('services.rollback', { id: s.id }));

export async function removeService(s: ServiceSummary): Promise<void> {
  const answer = await confirm({
    title: `Remove the service ${s.name}?`,
    body: `Its ${s.running} running task${s.running === 1 ? '' : 's'} stop on every node.`,
    confirmLabel: 'Remove',
    danger: true,
  });
  if (answer.ok) await serviceAction(s, 'removal', () => api().call('services.remove', { id: s.id }));
}

/** Shows (or hides, when shown) a service's tasks. */
export async function toggleTasks(id: string): Promise<void> {
  if (useSwarm.getState().tasksOf === id) return void useSwarm.setState({ tasksOf: undefined, tasks: [] });
  useSwarm.setState({ tasksOf: id, tasks: [] });
  try {
    const tasks = await api().call('services.tasks', { id });
    if (useSwarm.getState().tasksOf === id) useSwarm.setState({ tasks });
  } catch (e) {
    const r = refusalOf(e);
    toast({ kind: 'error', title: 'The tasks could not be read', message: r.message });
  }
}

/** Shows (or hides, when shown) a service's logs merged over its tasks; the task filter lists its tasks. */
export async function toggleServiceLogs(s: { id: string; name: string }): Promise<void> {
  if (useSwarm.getState().logsOf?.id === s.id) return void useSwarm.setState({ logsOf: undefined, logTasks: [], logFilter: {} });
  useSwarm.setState({ logsOf: { id: s.id, name: s.name }, logTasks: [], logFilter: {} });
  await refreshLogTasks();
}

/** The shown service's tasks again (a scale or an update makes new ones). */
export async function refreshLogTasks(): Promise<void> {
  const of = useSwarm.getState().logsOf;
  if (!of) return;
  try {
    const tasks = await api().call('services.tasks', { id: of.id });
    if (useSwarm.getState().logsOf?.id === of.id) useSwarm.setState({ logTasks: tasks });
  } catch {
    // removed meanwhile: the log says so
  }
}

export const setServiceLogFilter = (logFilter: { task?: string; node?: string }) => useSwarm.setState({ logFilter });

// ---- the Run dialog as a service

export const setRunAsService = (patch: Partial<SwarmPage['runAsService']>) => useSwarm.setState((s) => ({ runAsService: { ...s.runAsService, ...patch } }));

/** The Run dialog, set to make a service (Services → Create a service). */
export function openServiceRun(): void {
  openRunDialog();
  setRunAsService({ on: true });
}

const choiceOf = (r: SwarmPage['runAsService']): ServiceChoice => ({ mode: r.mode, replicas: Math.max(0, Math.floor(Number(r.replicas) || 0)), publish: r.publish });

/** What the form would make as a service: the fields that do not apply and the notes, or why it cannot yet. */
export function serviceRunPreview(form: RunForm, r: SwarmPage['runAsService']): { notApplied: string[]; notes: string[] } | { error: string } {
  const spec = formToSpec(form);
  if ('error' in spec) return { error: spec.error };
  const mapped = runSpecToService({ ...spec.spec, name: spec.spec.name ?? 'unnamed' }, choiceOf(r)); // what applies does not hang on the name
  return 'error' in mapped ? { error: mapped.error } : mapped;
}

function refuseRun(message: string, field?: string, hint?: string): void {
  useRunForm.setState((s) => ({ error: { message, ...(field ? { field } : {}), ...(hint ? { hint } : {}) }, errorSeq: s.errorSeq + 1 }));
}

/** Run as a service: the same form read the same way (formToSpec), mapped by service-form; what does not apply is said in the toast too. */
export async function submitServiceRun(): Promise<void> {
  const { form } = useRunForm.getState();
  const spec = formToSpec(form);
  if ('error' in spec) return refuseRun(spec.error, spec.field);
  const r = useSwarm.getState().runAsService;
  if (r.mode === 'replicated' && !/^\d+$/.test(r.replicas.trim())) return refuseRun('Replicas: must be a whole number, 0 or more.');
  const mapped = runSpecToService(spec.spec, choiceOf(r));
  if ('error' in mapped) return refuseRun(mapped.error, mapped.field);
  useRunForm.setState({ busy: true, error: undefined });
  try {
    const made = await api().call('services.create', mapped.input);
    const left = mapped.notApplied.length ? ` Not applied (they do not apply to a service): ${mapped.notApplied.map((n) => n.split(':')[0]).join(', ')}.` : '';
    toast({
      kind: 'success',
      title: `Service ${made.name} made`,
      message: `${made.mode === 'global' ? 'One task on every node' : `${made.desired} task${made.desired === 1 ? '' : 's'}`}; the managers place them.${left}`,
    });
    setRunAsService({ on: false });
    closeDialog();
  } catch (e) {
    const err = refusalOf(e);
    refuseRun(err.message, /name/i.test(err.message) ? 'name' : undefined, err.hint);
  } finally {
    useRunForm.setState({ busy: false });
    await loadSwarm();
  }
}
