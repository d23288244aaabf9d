/** The engines Berth can switch between, and switching: every view follows the active one. */
import { create } from 'zustand';
import { VM_CONTEXT, type ContextProbe, type EngineContext, type EngineList } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { closeDetail, toast } from './ui';

export const useContexts = create<{
  contexts: EngineContext[];
  /** What Berth could not read of the docker CLI's config and contexts, in words. */
  problems: string[];
  error?: string;
  probes?: ContextProbe[];
  probing?: boolean;
}>(() => ({
  contexts: [],
  problems: [],
}));

const listed = ({ contexts, problems }: EngineList) => ({ contexts, problems });

export { VM_CONTEXT };
export const useVmInUse = () => useContexts((s) => s.contexts.some((c) => c.name === VM_CONTEXT && c.active));

/** Which engines answer now: the unreachable banner offers those. */
export async function probeContexts(): Promise<void> {
  useContexts.setState({ probing: true });
  try {
    useContexts.setState({ probes: await api().call('contexts.probe') });
  } catch {
    useContexts.setState({ probes: [] }); // the banner then offers the VM and retry only
  } finally {
    useContexts.setState({ probing: false });
  }
}

export async function loadContexts(): Promise<void> {
  try {
    useContexts.setState({ ...listed(await api().call('contexts.list')), error: undefined });
  } catch (e) {
    useContexts.setState({ error: (e as Error).message });
  }
}

whenConnected((client) => {
  client.onConnection((up) => up && void loadContexts());
  client.on('contexts:changed', () => {
    closeDetail(); // its page belongs to the engine we left
    void loadContexts();
  });
});

export async function switchContext(name: string): Promise<void> {
  try {
    await api().call('contexts.use', { name });
    toast({ kind: 'success', title: `Using ${name}` });
  } catch (e) {
    toast({ kind: 'error', title: `Could not switch to ${name}`, message: (e as Error).message });
  }
}

/** Returns the error text for the form, or undefined when added. */
export async function addContext(name: string, host: string): Promise<string | undefined> {
  try {
    useContexts.setState(listed(await api().call('contexts.add', { name, host })));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function removeContext(name: string): Promise<void> {
  try {
    useContexts.setState(listed(await api().call('contexts.remove', { name })));
  } catch (e) {
    toast({ kind: 'error', title: `Could not remove ${name}`, message: (e as Error).message });
  }
}
