/**
 * One store per resource list. It loads through the API, refreshes when the main process pushes
 * `<kind>:changed` (never on a timer), and keeps the view's query/sort/filter/selection.
 */
import { useMemo } from 'react';
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { changedEvent } from '../../electron/shared/api-contract';
import type { ResourceKind } from '../../electron/shared/models';
import { api, whenConnected } from '../api';
import { shortId } from '../lib/format';
import { nextSort, visibleRows, type SortState, type TableSpec } from '../lib/table';
import { useEngine } from './engine';

export interface ListState<T> {
  items: T[];
  loaded: boolean;
  loading: boolean;
  error?: string;
  query: string;
  filter: string;
  sort: SortState;
  selected: string[];
}

export interface ListStore<T> {
  use: UseBoundStore<StoreApi<ListState<T>>>;
  spec: TableSpec<T>;
  /** How messages name the item with this key (its short id when it is not in the list). */
  label: (key: string) => string;
  refresh: () => Promise<void>;
  setQuery: (query: string) => void;
  setFilter: (filter: string) => void;
  sortBy: (key: string) => void;
  toggle: (key: string) => void;
  selectAll: (keys: string[]) => void;
  clearSelection: () => void;
}

type ListMethod = 'containers.list' | 'images.list' | 'volumes.list' | 'networks.list';

export function createListStore<T>(kind: ResourceKind, method: ListMethod, spec: TableSpec<T> & { label: (row: T) => string }, sort: SortState): ListStore<T> {
  const use = create<ListState<T>>(() => ({ items: [], loaded: false, loading: false, query: '', filter: 'all', sort, selected: [] }));
  let inFlight = false;
  let again = false;
  /** Bumped at each switch of engine: a reply asked of the engine before it is dropped. */
  let engineGeneration = 0;

  /** Rows that did not change keep their object, so the table re-renders only the ones that did. */
  function show(fresh: T[]): void {
    const before = new Map(use.getState().items.map((r) => [spec.key(r), r]));
    const items = fresh.map((r) => {
      const old = before.get(spec.key(r));
      return old !== undefined && JSON.stringify(old) === JSON.stringify(r) ? old : r;
    });
    const keys = new Set(items.map(spec.key));
    use.setState((s) => ({ items, loaded: true, error: undefined, selected: s.selected.filter((k) => keys.has(k)) }));
  }

  async function refresh(): Promise<void> {
    if (inFlight) {
      again = true; // coalesce: one more load after this one, not one per push
      return;
    }
    inFlight = true;
    use.setState({ loading: true });
    const asked = engineGeneration;
    try {
      const fresh = (await api().call(method)) as T[];
      if (asked === engineGeneration) show(fresh); // else the old engine's list: `again` asks the new one
    } catch (e) {
      if (asked === engineGeneration) use.setState({ error: (e as Error).message });
    } finally {
      inFlight = false;
      use.setState({ loading: false });
    }
    if (again) {
      again = false;
      await refresh();
    }
  }

  whenConnected((client) => {
    client.on(changedEvent(kind), () => void refresh());
    client.onConnection((up) => up && void refresh());
    // Another engine: nothing of the old one's list may linger (selection included). The new
    // engine's status can come before contexts:changed (a missing socket fails in a moment).
    const anotherEngine = () => {
      engineGeneration++;
      use.setState({ items: [], loaded: false, error: undefined, selected: [] });
      void refresh();
    };
    useEngine.subscribe((now, before) => {
      if (before.status && now.status && now.status.endpoint !== before.status.endpoint) anotherEngine();
    });
    client.on('contexts:changed', anotherEngine);
  });

  return {
    use,
    spec,
    label: (key) => {
      const row = use.getState().items.find((r) => spec.key(r) === key);
      return row ? spec.label(row) : shortId(key);
    },
    refresh,
    setQuery: (query) => use.setState({ query }),
    setFilter: (filter) => use.setState({ filter }),
    sortBy: (key) => use.setState((s) => ({ sort: nextSort(s.sort, key) })),
    toggle: (key) => use.setState((s) => ({ selected: s.selected.includes(key) ? s.selected.filter((k) => k !== key) : [...s.selected, key] })),
    selectAll: (keys) => use.setState({ selected: keys }),
    clearSelection: () => use.setState({ selected: [] }),
  };
}

/** The rows a view shows: filtered, searched and sorted, recomputed only when those inputs change. */
export function useVisibleRows<T>(store: ListStore<T>): T[] {
  const { items, query, sort, filter } = store.use(useShallow((s) => ({ items: s.items, query: s.query, sort: s.sort, filter: s.filter })));
  return useMemo(() => visibleRows(items, store.spec, { query, sort, filter }), [items, query, sort, filter, store.spec]);
}
