/** Engine status (pushed by the main process) and whether the UI is connected to Berth at all. */
import { create } from 'zustand';
import type { EngineStatus } from '../../electron/shared/models';
import { api, whenConnected } from '../api';

export interface EngineStoreState {
  status?: EngineStatus;
  connected: boolean;
  /** Why the last "Trust and connect" trusted nothing, in words. */
  trustError?: string;
}

export const useEngine = create<EngineStoreState>(() => ({ connected: false }));

whenConnected((client) => {
  client.on('engine:status', (status) => useEngine.setState({ status }));
  client.onConnection((connected) => {
    useEngine.setState({ connected });
    if (connected) {
      client.call('engine.status').then(
        (status) => useEngine.setState({ status }),
        () => undefined, // the next push will tell
      );
    }
  });
});

/** Looks for the engine again now (the banner's Retry); the outcome arrives as engine:status. */
export async function retryEngine(): Promise<void> {
  await api()
    .call('engine.retry')
    .catch(() => undefined); // disconnected: the other banner says so
}

/** "Trust and connect": the refused SSH host key the banner showed goes into known_hosts; the outcome arrives as engine:status. */
export async function trustHostKey(fingerprint: string): Promise<void> {
  useEngine.setState({ trustError: undefined });
  await api()
    .call('engine.trustHostKey', { fingerprint })
    .then(
      (status) => useEngine.setState({ status }),
      (e: unknown) => useEngine.setState({ trustError: e instanceof Error ? e.message : String(e) }),
    );
}
