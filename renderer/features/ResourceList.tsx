import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Table, type Column, type TableGroups } from '../components/Table';
import { Toolbar } from '../components/Toolbar';
import { useVmInUse } from '../stores/contexts';
import { useVisibleRows, type ListStore } from '../stores/list-store';
import { useVm } from '../stores/vm';

interface Props<T> {
  store: ListStore<T>;
  title: string;
  /** singular, lower case: "container" */
  noun: string;
  columns: Column<T>[];
  filters?: { id: string; label: string }[];
  /** Buttons acting on the selected keys (shown while something is selected). */
  bulk?: (selected: string[]) => ReactNode;
  /** Buttons always in the toolbar (create, prune, ...). */
  actions?: ReactNode;
  /** Shown between the toolbar and the table (e.g. compose projects). */
  above?: ReactNode;
  isSelectable?: (row: T) => boolean;
  /** Rows gathered under their group's line (compose projects). */
  group?: TableGroups<T>;
  emptyHint: string;
  stale: boolean;
}

/** A resource list view: toolbar with search/filters/actions, load error, and the table. */
export function ResourceList<T>(p: Props<T>) {
  const vmStarting = useVm((v) => v.info?.state === 'starting');
  const booting = useVmInUse() && vmStarting;
  const waiting = booting ? 'The Berth VM is starting: this list fills in as soon as its engine answers.' : 'Nothing to show until the engine answers: the banner above says why, with the fixes.';
  const { store } = p;
  const s = store.use(useShallow((st) => ({ query: st.query, filter: st.filter, sort: st.sort, selected: st.selected, total: st.items.length, loaded: st.loaded, error: st.error })));
  const rows = useVisibleRows(store);
  return (
    <section className="view">
      <Toolbar title={p.title} count={s.total} query={s.query} onQuery={store.setQuery} filters={p.filters} filter={s.filter} onFilter={store.setFilter}>
        {p.bulk && s.selected.length > 0 && (
          <div className="bulk" aria-label={`Selected ${p.title.toLowerCase()}`}>
            <span className="muted">{s.selected.length} selected</span>
            {p.bulk(s.selected)}
          </div>
        )}
        {p.actions}
      </Toolbar>
      {p.above}
      {s.error &&
        !p.stale && ( // while the engine is away the banner says why
          <p className="list-error">
            Could not load {p.title.toLowerCase()}: {s.error}
          </p>
        )}
      <Table
        label={p.title}
        rows={rows}
        columns={p.columns}
        rowKey={store.spec.key}
        sort={s.sort}
        onSort={store.sortBy}
        selected={s.selected}
        onToggle={store.toggle}
        onSelectAll={store.selectAll}
        isSelectable={p.isSelectable}
        {...(p.group ? { group: p.group } : {})}
        stale={p.stale}
        empty={!s.loaded ? (p.stale ? waiting : 'Loading…') : s.total ? `No ${p.noun} matches.` : p.emptyHint}
      />
    </section>
  );
}
