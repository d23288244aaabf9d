/**
 * The Swarm page: the engine's place in a swarm, its nodes (a manager's view), and the join tokens,
 * fetched only when the user asks to see them. Refreshed by the engine's node/service pushes
 * (`swarm:changed`), on reconnect and on a switch of engine.
 */
import { create } from 'zustand';
import type { JoinTokens, NodeAvailability, NodeRole, SwarmNode, SwarmState } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { confirm, refusalOf, toast, type Refusal } from './ui';

export interface SwarmPage {
  state?: SwarmState;
  nodes: SwarmNode[];
  error?: string;
  /** Shown once asked for (they let anyone join); gone again on Hide or another engine. */
  tokens?: JoinTokens;
  /** A node action in flight, by node id: its buttons wait. */
  busy: string[];
}

export const useSwarm = create<SwarmPage>(() => ({ nodes: [], busy: [] }));

export const loadSwarm = coalesced(async () => {
  try {
    const state = await api().call('swarm.info');
    const nodes = state.state === 'active' && state.manager ? await api().call('nodes.list') : [];
    useSwarm.setState({ state, nodes, error: undefined, ...(state.manager ? {} : { tokens: undefined }) });
  } catch (e) {
    useSwarm.setState({ error: (e as Error).message });
  }
});

whenConnected((client) => {
  client.on('swarm:changed', () => void loadSwarm());
  client.onConnection((up) => up && void loadSwarm());
  client.on('contexts:changed', () => {
    useSwarm.setState({ state: undefined, nodes: [], tokens: undefined, error: undefined });
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
  try {
    useSwarm.setState({ tokens: await api().call('swarm.joinTokens') });
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
