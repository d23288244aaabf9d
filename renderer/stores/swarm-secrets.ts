/**
 * The Swarm page's secrets, configs and overlay networks (a manager's). A secret's value goes out
 * once, in the create call, and is never kept here nor fetched back: the lists hold names and uses.
 * Reloaded whenever the Swarm page's own state reloads (its pushes, including secrets' and configs',
 * reconnects, convergence) and on network pushes; emptied on a switch of engine.
 */
import { create } from 'zustand';
import type { OverlayNetwork, SwarmData, SwarmDataKind } from '../../electron/shared/models';
import { SWARM_DATA_MAX_BYTES } from '../../electron/shared/swarm-secrets-contract';
import { api, whenConnected } from '../api';
import { coalesced } from '../lib/coalesce';
import { actThen, useSwarm } from './swarm';
import { confirm, toast, type Refusal } from './ui';

export interface SwarmDataPage {
  data: SwarmData[];
  overlays: OverlayNetwork[];
  error?: string;
  /** A row's action in flight, by `kind:id`: its buttons wait. */
  busy: string[];
}

export const useSwarmData = create<SwarmDataPage>(() => ({ data: [], overlays: [], busy: [] }));

const isManager = () => {
  const s = useSwarm.getState().state;
  return s?.state === 'active' && s.manager;
};

export const loadSwarmData = coalesced(async () => {
  if (!isManager()) return void useSwarmData.setState({ data: [], overlays: [], error: undefined });
  try {
    const [data, overlays] = await Promise.all([api().call('secrets.list'), api().call('overlays.list')]);
    useSwarmData.setState({ data, overlays, error: undefined });
  } catch (e) {
    useSwarmData.setState({ error: (e as Error).message });
  }
});

whenConnected((client) => {
  client.on('networks:changed', () => void loadSwarmData());
  client.on('contexts:changed', () => useSwarmData.setState({ data: [], overlays: [], error: undefined }));
});
// The Swarm page's own load (on its pushes, on reconnect, while tasks converge) comes first: a
// manager lists these, and a secret's or config's push is a `swarm:changed` too. Follow it.
useSwarm.subscribe((s, before) => {
  if (s.state !== before.state || s.services !== before.services) void loadSwarmData();
});

const act = (call: () => Promise<unknown>) => actThen(loadSwarmData, call);

async function rowAction(key: string, title: string, call: () => Promise<unknown>): Promise<Refusal | undefined> {
  useSwarmData.setState((s) => ({ busy: [...s.busy, key] }));
  try {
    const r = await act(call);
    if (r) toast({ kind: 'error', title, message: r.message, ...(r.hint ? { hint: r.hint } : {}) });
    return r;
  } finally {
    useSwarmData.setState((s) => ({ busy: s.busy.filter((k) => k !== key) }));
  }
}

/** What a request carries at most over the browser's WebSocket (MAX_REQUEST_BYTES less room for the rest). */
const TYPED_MAX = 480 * 1024;

/** Makes a secret or config from typed text or a file on this machine; the value is not kept. */
export async function createSwarmData(input: { kind: SwarmDataKind; name: string; value?: string; file?: string }): Promise<Refusal | undefined> {
  if (input.value !== undefined) {
    const bytes = new TextEncoder().encode(input.value).length;
    const max = SWARM_DATA_MAX_BYTES[input.kind];
    if (bytes >= max) return { message: `The value is ${bytes} bytes: the engine keeps a ${input.kind} of less than ${max / 1024} KB (${max} bytes).` };
    if (JSON.stringify(input.value).length > TYPED_MAX)
      return { message: `A typed value of ${bytes} bytes is too large to send in one request.`, hint: 'Save it in a file and make it from the file.' };
  }
  return act(async () => {
    const made = await api().call('secrets.create', input);
    toast({
      kind: 'success',
      title: `${input.kind === 'secret' ? 'Secret' : 'Config'} ${made.name} made`,
      message: input.kind === 'secret' ? 'The swarm keeps its value encrypted; Berth never shows it again.' : 'Use it in a service to mount it in its tasks.',
    });
  });
}

export const attachSwarmData = (d: SwarmData, service: string, target?: string) => act(() => api().call('secrets.attach', { kind: d.kind, name: d.id, service, ...(target ? { target } : {}) }));

export const detachSwarmData = (d: SwarmData, serviceId: string, service: string) =>
  rowAction(`${d.kind}:${d.id}`, `${d.name} was not taken from ${service}`, () => api().call('secrets.detach', { kind: d.kind, name: d.id, service: serviceId }));

export async function removeSwarmData(d: SwarmData): Promise<void> {
  const answer = await confirm({
    title: `Remove the ${d.kind} ${d.name}?`,
    body: d.kind === 'secret' ? 'Its value is gone for good: the swarm keeps no copy and Berth never had one.' : 'Its content is gone for good.',
    confirmLabel: 'Remove',
    danger: true,
  });
  if (answer.ok) await rowAction(`${d.kind}:${d.id}`, `${d.name} was not removed`, () => api().call('secrets.remove', { kind: d.kind, name: d.id }));
}

export const createOverlay = (input: { name: string; attachable: boolean; encrypted: boolean; subnet?: string }) =>
  act(async () => {
    const made = await api().call('overlays.create', input);
    toast({ kind: 'success', title: `Overlay network ${made.name} made`, message: `Subnet ${made.subnets.join(', ') || 'picked by the managers'}.` });
  });

export async function removeOverlay(n: OverlayNetwork): Promise<void> {
  const answer = await confirm({ title: `Remove the network ${n.name}?`, body: 'Services and containers can no longer join it.', confirmLabel: 'Remove', danger: true });
  if (answer.ok) await rowAction(`net:${n.id}`, `${n.name} was not removed`, () => api().call('overlays.remove', { name: n.id }));
}
