import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VolumeSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import { Dialog } from '../../components/Dialog';
import { Table, type Column } from '../../components/Table';
import { Toolbar } from '../../components/Toolbar';
import { relativeTime } from '../../lib/format';
import { createVolume, pruneVolumes, removeVolumes } from '../../stores/actions';
import { volumes } from '../../stores/resources';
import { useVisibleRows } from '../../stores/list-store';
import { closeDialog, openDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';

const columns: Column<VolumeSummary>[] = [
  { id: 'name', title: 'Name', sortKey: 'name', render: (v) => <strong className="mono">{v.name}</strong> },
  { id: 'driver', title: 'Driver', sortKey: 'driver', render: (v) => v.driver },
  {
    id: 'inUse',
    title: 'Used by',
    sortKey: 'inUse',
    render: (v) => (v.inUse ? <span title={v.usedBy.join(', ')}>{v.usedBy.join(', ')}</span> : <Badge label="unused" />),
  },
  { id: 'created', title: 'Created', sortKey: 'created', render: (v) => relativeTime(v.created) },
  {
    id: 'actions',
    title: '',
    className: 'col-actions',
    render: (v) => (
      <span className="row-actions">
        <button className="danger" onClick={() => void removeVolumes([v.name])}>
          Remove
        </button>
      </span>
    ),
  },
];

export function CreateVolumeDialog() {
  const [name, setName] = useState('');
  const { busy, error, submit } = useSubmit(() => createVolume(name.trim() ? { name: name.trim() } : {}));
  return (
    <Dialog title="Create volume" submitLabel="Create" onClose={closeDialog} onSubmit={submit} busy={busy} error={error}>
      <label>
        <span>
          Name <span className="muted">(empty: the engine picks one)</span>
        </span>
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my-data" autoComplete="off" />
      </label>
    </Dialog>
  );
}

export function VolumesView({ stale }: { stale: boolean }) {
  const s = volumes.use(useShallow((st) => ({ query: st.query, filter: st.filter, sort: st.sort, selected: st.selected, total: st.items.length, loaded: st.loaded, error: st.error })));
  const rows = useVisibleRows(volumes);
  return (
    <section className="view">
      <Toolbar
        title="Volumes"
        count={s.total}
        query={s.query}
        onQuery={volumes.setQuery}
        filters={[
          { id: 'in-use', label: 'In use' },
          { id: 'unused', label: 'Unused' },
        ]}
        filter={s.filter}
        onFilter={volumes.setFilter}
      >
        {s.selected.length > 0 && (
          <div className="bulk">
            <span className="muted">{s.selected.length} selected</span>
            <button className="danger" onClick={() => void removeVolumes(s.selected)}>
              Remove
            </button>
          </div>
        )}
        <button onClick={() => void pruneVolumes()}>Prune unused</button>
        <button className="primary" onClick={() => openDialog({ kind: 'volume-create' })}>
          Create volume
        </button>
      </Toolbar>
      {s.error && <p className="list-error">Could not load volumes: {s.error}</p>}
      <Table
        label="Volumes"
        rows={rows}
        columns={columns}
        rowKey={volumes.spec.key}
        sort={s.sort}
        onSort={volumes.sortBy}
        selected={s.selected}
        onToggle={volumes.toggle}
        onSelectAll={volumes.selectAll}
        stale={stale}
        empty={!s.loaded ? 'Loading…' : s.total ? 'No volume matches.' : 'No volumes yet.'}
      />
    </section>
  );
}
