import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UsageSnapshot } from '../../electron/shared/models';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { useEngine } from './engine';
import { LINGER_MS, setPageVisible, useUsage, watchUsage } from './usage';

const snap = (names: string[]): UsageSnapshot => ({
  time: 1,
  engine: { cpus: 2, memTotal: 1 << 30, isVm: false },
  containers: names.map((n) => ({ id: `id-${n}`, name: n, cpuPercent: 1, memUsage: 2, memLimit: 3 })),
});

let t: FakeTransport;
beforeEach(() => {
  vi.useFakeTimers();
  t = fakeTransport(() => undefined);
  connectApi(t);
});
afterEach(() => {
  vi.runOnlyPendingTimers(); // a lingering stream of the test before closes
  vi.useRealTimers();
});
const opened = () => t.streamMessages.filter((m) => (m as { name?: string }).name === 'containers.usage') as { id: number }[];
const cancels = () => t.streamMessages.filter((m) => (m as { t: string }).t === 'cancel');

describe('usage store', () => {
  it('one stream for every watcher, closed a moment after the last one leaves', () => {
    const a = watchUsage();
    const b = watchUsage();
    expect(opened()).toHaveLength(1);
    t.deliver({ t: 'chunk', id: opened()[0]!.id, data: snap(['web', 'db']) });
    expect(Object.keys(useUsage.getState().byId)).toEqual(['id-web', 'id-db']);
    a();
    a(); // a second call of the same disposer changes nothing
    expect(cancels()).toHaveLength(0);
    b();
    vi.advanceTimersByTime(LINGER_MS - 1);
    const c = watchUsage(); // the next page's watcher, within the linger: the same stream goes on
    vi.advanceTimersByTime(LINGER_MS * 2);
    expect([opened().length, cancels().length]).toEqual([1, 0]);
    c();
    vi.advanceTimersByTime(LINGER_MS);
    expect(cancels()).toEqual([{ t: 'cancel', id: opened()[0]!.id }]);
  });

  it('closes while the window is hidden and opens again when it shows', () => {
    const off = watchUsage();
    setPageVisible(false);
    expect(cancels()).toHaveLength(1);
    setPageVisible(true);
    expect(opened()).toHaveLength(2);
    off(); // lingering now
    setPageVisible(false);
    expect(cancels()).toHaveLength(2); // hidden during the linger: closed at once all the same
    vi.advanceTimersByTime(LINGER_MS);
    expect(cancels()).toHaveLength(2);
    setPageVisible(true);
    expect(opened()).toHaveLength(2); // no one watches: shown again, nothing opens
  });

  it('a failed stream says why, and opens again when the engine is back', () => {
    const off = watchUsage();
    t.deliver({ t: 'end', id: opened()[0]!.id, error: { code: 'ENGINE_UNREACHABLE', message: 'Engine down' } });
    expect(useUsage.getState().error).toBe('Engine down');
    useEngine.setState({ connected: true, status: { state: 'down' } as never });
    useEngine.setState({ connected: true, status: { state: 'up' } as never });
    expect(opened()).toHaveLength(2);
    t.deliver({ t: 'chunk', id: opened()[1]!.id, data: snap(['x']) });
    expect(useUsage.getState().error).toBeUndefined();
    off();
  });

  it('another engine (a context switch or a new endpoint) drops the old use and streams from the new one', () => {
    useEngine.setState({ status: undefined });
    const off = watchUsage();
    t.deliver({ t: 'chunk', id: opened()[0]!.id, data: snap(['old']) });
    t.push('contexts:changed', { active: 'other' });
    expect(useUsage.getState()).toMatchObject({ byId: {}, snapshot: undefined });
    expect(cancels()).toEqual([{ t: 'cancel', id: opened()[0]!.id }]);
    expect(opened()).toHaveLength(2);
    t.deliver({ t: 'chunk', id: opened()[0]!.id, data: snap(['late']) }); // the old stream's last word is ignored
    expect(useUsage.getState().byId).toEqual({});
    useEngine.setState({ connected: true, status: { state: 'up', endpoint: 'unix:///a.sock' } as never });
    useEngine.setState({ connected: true, status: { state: 'up', endpoint: 'unix:///b.sock' } as never });
    expect([opened().length, cancels().length]).toEqual([3, 2]);
    off();
  });
});
