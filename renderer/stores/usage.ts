/**
 * The live resource overview (the containers list's CPU and memory columns, the Resources page):
 * one `containers.usage` stream, open only while a view that shows it is mounted and the window
 * is visible. Views call watchUsage() in an effect; the last one to leave closes the stream.
 */
import { create } from 'zustand';
import type { ContainerUsage, UsageSnapshot } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { useEngine } from './engine';

export interface UsageState {
  snapshot?: UsageSnapshot;
  byId: Record<string, ContainerUsage>;
  /** Why the overview is not live (engine down, disconnected). */
  error?: string;
}

export const useUsage = create<UsageState>(() => ({ byId: {} }));

let watchers = 0;
let handle: { cancel(): void } | undefined;
let visible = typeof document === 'undefined' || document.visibilityState !== 'hidden';

function open(): void {
  const h = api().stream(
    'containers.usage',
    {},
    {
      onData: (snapshot) => useUsage.setState({ snapshot, byId: Object.fromEntries(snapshot.containers.map((c) => [c.id, c])), error: undefined }),
      onEnd: (error) => {
        if (handle !== h) return; // closed by us
        handle = undefined;
        useUsage.setState({ error: error?.message ?? 'The overview stopped.', byId: {} });
      },
    },
  );
  handle = h;
}

/** How long the stream outlives its last watcher: going from the list to the Resources page keeps it. */
export const LINGER_MS = 3000;
let closing: ReturnType<typeof setTimeout> | undefined;

function close(): void {
  if (closing) clearTimeout(closing); // a linger pending (hidden, or another engine): it is now
  closing = undefined;
  const h = handle;
  handle = undefined;
  h?.cancel();
}

/** Opens or closes the stream to match who watches and whether anyone can see it. */
function update(): void {
  const want = watchers > 0 && visible;
  if (want && closing) clearTimeout(closing);
  if (want) closing = undefined;
  if (want && !handle) open();
  else if (!want && handle && !visible)
    close(); // hidden: at once, lingering or not
  else if (!want && handle && !closing) closing = setTimeout(close, LINGER_MS);
}

export function watchUsage(): () => void {
  watchers++;
  update();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    watchers--;
    update();
  };
}

/** Whether the window can be seen (a hidden or minimised window streams nothing). */
export function setPageVisible(v: boolean): void {
  visible = v;
  update();
}

if (typeof document !== 'undefined') document.addEventListener('visibilitychange', () => setPageVisible(document.visibilityState !== 'hidden'));
// After the engine (or Berth) comes back, a failed overview opens again.
useEngine.subscribe((s, prev) => {
  const up = s.connected && s.status?.state === 'up';
  if (up && !(prev.connected && prev.status?.state === 'up')) update();
});
// Another engine (a context switch, the VM in place of a socket): nothing of the old one's use may
// linger, and the stream is opened again against the new one.
function anotherEngine(): void {
  close();
  useUsage.setState({ snapshot: undefined, byId: {}, error: undefined });
  update();
}
useEngine.subscribe((now, before) => {
  if (before.status && now.status && now.status.endpoint !== before.status.endpoint) anotherEngine();
});
whenConnected((client) => {
  client.on('contexts:changed', anotherEngine);
  update();
});
