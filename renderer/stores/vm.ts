/**
 * The Berth VM page and the sidebar's VM line: state pushed by `vm:status`, start / stop /
 * restart, the console, and the resources applied at the next start.
 */
import { create } from 'zustand';
import type { ResultOf } from '../../electron/shared/api-contract';
import type { VmInfo } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { switchContext, useContexts, VM_CONTEXT } from './contexts';
import { toast } from './ui';

export type VmResources = ResultOf<'vm.resources'>;

export const useVm = create<{ info?: VmInfo; log: string; resources?: VmResources; busy?: 'start' | 'stop' | 'restart' }>(() => ({ log: '' }));

export async function refreshVmLog(): Promise<void> {
  try {
    useVm.setState({ log: await api().call('vm.log') });
  } catch {
    /* the page keeps the last one */
  }
}

whenConnected((client) => {
  client.onConnection((up) => {
    if (!up) return;
    client.call('vm.status').then(
      (info) => useVm.setState({ info }),
      () => undefined,
    );
    client.call('vm.resources').then(
      (resources) => useVm.setState({ resources }),
      () => undefined,
    );
    void refreshVmLog();
  });
  client.on('vm:status', (info) => {
    const before = useVm.getState().info;
    useVm.setState({ info });
    if (before?.state !== info.state || before?.step !== info.step) void refreshVmLog();
  });
});

async function act(what: 'start' | 'stop' | 'restart'): Promise<void> {
  useVm.setState({ busy: what });
  try {
    if (what !== 'start') await api().call('vm.stop');
    if (what !== 'stop') await api().call('vm.start');
  } catch (e) {
    toast({ kind: 'error', title: `Could not ${what} the VM`, message: (e as Error).message });
  } finally {
    useVm.setState({ busy: undefined });
    void refreshVmLog();
  }
}

export const startVm = () => act('start');
/** The banner's fix: Berth onto the VM's engine (the boot shows at once), then boot it. */
export async function startVmAndUse(): Promise<void> {
  if (!useContexts.getState().contexts.some((c) => c.name === VM_CONTEXT && c.active)) await switchContext(VM_CONTEXT);
  await act('start');
}
export const stopVm = () => act('stop');
export const restartVm = () => act('restart');

/** Resolves to an error in words, or undefined when saved. */
export async function saveVmResources(patch: Partial<VmResources>): Promise<string | undefined> {
  try {
    useVm.setState({ resources: await api().call('vm.resources.update', patch) });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
