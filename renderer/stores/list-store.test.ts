import { describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../electron/shared/wire';
import { fakeTransport } from '../api/fake-transport';

interface V {
  name: string;
}
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Fresh modules per test: stores register with the module-level API client for good. */
async function setup(answer: (method: string) => Reply | Promise<Reply>) {
  vi.resetModules();
  const { connectApi } = await import('../api');
  const { createListStore } = await import('./list-store');
  const t = fakeTransport(answer);
  const store = createListStore<V>('volumes', 'volumes.list', { key: (v) => v.name, label: (v) => v.name, searchText: (v) => v.name, sortValues: {} }, { key: 'name', dir: 'asc' });
  connectApi(t);
  return { t, store };
}

describe('list store', () => {
  it('loads when connected and again on each push of its kind only', async () => {
    let items: V[] = [{ name: 'a' }];
    const { t, store } = await setup(() => ({ ok: true, value: items }));
    t.setConnected(true);
    await tick();
    expect(store.use.getState()).toMatchObject({ items: [{ name: 'a' }], loaded: true, loading: false });
    items = [{ name: 'a' }, { name: 'b' }];
    t.push('images:changed', { ids: [] });
    await tick();
    expect(store.use.getState().items).toHaveLength(1);
    t.push('volumes:changed', { ids: ['b'] });
    await tick();
    expect(store.use.getState().items).toEqual(items);
  });

  it('keeps the objects of unchanged rows across reloads (so only changed rows re-render), and empties on a context switch', async () => {
    let items: (V & { size?: number })[] = [
      { name: 'a', size: 1 },
      { name: 'b', size: 1 },
    ];
    const { t, store } = await setup(() => ({ ok: true, value: structuredClone(items) }));
    t.setConnected(true);
    await tick();
    const [a1, b1] = store.use.getState().items;
    items = [
      { name: 'a', size: 1 },
      { name: 'b', size: 2 },
    ];
    t.push('volumes:changed', { ids: ['b'] });
    await tick();
    const [a2, b2] = store.use.getState().items;
    expect(a2).toBe(a1);
    expect(b2).not.toBe(b1);
    expect(b2).toEqual({ name: 'b', size: 2 });
    store.toggle('a');
    items = [];
    t.push('contexts:changed', { active: 'other' });
    expect(store.use.getState()).toMatchObject({ items: [], loaded: false, selected: [] });
  });

  it('coalesces pushes that arrive during a load into one more load', async () => {
    const releases: (() => void)[] = [];
    const { t, store } = await setup(() => new Promise<Reply>((resolve) => releases.push(() => resolve({ ok: true, value: [] }))));
    void store.refresh();
    for (let i = 0; i < 10; i++) t.push('volumes:changed', { ids: [] });
    await tick();
    expect(t.calls).toHaveLength(1);
    releases[0]!();
    await tick();
    await tick();
    expect(t.calls).toHaveLength(2);
    releases[1]!();
  });

  it('drops a list the old engine sent after a switch; the new engine failing leaves it empty', async () => {
    const releases: ((r: Reply) => void)[] = [];
    const { t, store } = await setup(() => new Promise<Reply>((resolve) => releases.push(resolve)));
    void store.refresh();
    t.push('contexts:changed', { active: 'nowhere' }); // while the old engine's reply is on its way
    releases[0]!({ ok: true, value: [{ name: 'old-engine' }] });
    await tick();
    await tick();
    expect(store.use.getState().items).toEqual([]);
    releases[1]!({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'engine gone' } });
    await tick();
    expect(store.use.getState()).toMatchObject({ items: [], loaded: false, error: 'engine gone' });
  });

  it("empties when the engine's status names another engine, before contexts:changed arrives", async () => {
    const { t, store } = await setup((method) => ({ ok: true as const, value: method === 'engine.status' ? { state: 'up', endpoint: 'unix:///old.sock', since: 0 } : [{ name: 'a' }] }));
    t.setConnected(true); // the engine store asks for the status: no push has come yet
    await tick();
    expect(store.use.getState().items).toHaveLength(1);
    t.push('engine:status', { state: 'up', endpoint: 'unix:///old.sock', since: 1 }); // the same engine: kept
    expect(store.use.getState().items).toHaveLength(1);
    t.push('engine:status', { state: 'unreachable', endpoint: 'unix:///nowhere.sock', since: 2 });
    expect(store.use.getState()).toMatchObject({ items: [], loaded: false });
  });

  it('keeps the last items and shows the reason when a load fails', async () => {
    let fail = false;
    const { store } = await setup(() => (fail ? { ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'engine gone' } } : { ok: true, value: [{ name: 'a' }] }));
    await store.refresh();
    fail = true;
    await store.refresh();
    expect(store.use.getState()).toMatchObject({ items: [{ name: 'a' }], error: 'engine gone', loading: false });
  });

  it('drops selected keys that no longer exist after a refresh', async () => {
    let items: V[] = [{ name: 'a' }, { name: 'b' }];
    const { store } = await setup(() => ({ ok: true, value: items }));
    await store.refresh();
    store.selectAll(['a', 'b']);
    store.toggle('a');
    expect(store.use.getState().selected).toEqual(['b']);
    store.toggle('a');
    items = [{ name: 'a' }];
    await store.refresh();
    expect(store.use.getState().selected).toEqual(['a']);
  });
});
