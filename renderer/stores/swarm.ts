/**
 * The Swarm page: the engine's place in a swarm, its nodes (a manager's view), and the join tokens,
 * fetched only when the user asks to see them. Refreshed by the engine's node/service pushes
 * (`swarm:changed`), on reconnect and on a switch of engine.
 */
import { create } from 'zustand';
import type { JoinTokens, NodeAvailability, NodeRole, ServiceSpecInput, ServiceSummary, SwarmNode, SwarmState, TaskInfo } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { confirm, refusalOf, toast, type Refusal } from './ui';

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
}

export const useSwarm = create<SwarmPage>(() => ({ nodes: [], busy: [], services: [], tasks: [] }));

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
    useSwarm.setState({ state: undefined, nodes: [], services: [], tasks: [], tasksOf: undefined, tokens: undefined, error: undefined });
    void loadSwarm();
  });
});

/** Runs one swarm call; a refusal (for its form) or undefined, the page reloaded either way. */
async function act(call: () => Promise<unknown>): Promise<Refusal | undefined> {
  try {
    await call();
    return undefined;
  } catch (e) {
    return refusalOf(e);
  } finally {
    await loadSwarm();
  }
}

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

export const createService = (spec: ServiceSpecInput) =>
  act(async () => {
    const made = await api().call('services.create', spec);
    toast({
      kind: 'success',
      title: `Service ${made.name} made`,
      message: `${made.mode === 'global' ? 'One task on every node' : `${made.desired} task${made.desired === 1 ? '' : 's'}`}; the managers place them.`,
    });
  });

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
