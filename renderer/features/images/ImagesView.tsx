import { useShallow } from 'zustand/react/shallow';
import type { ImageSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import { Table, type Column } from '../../components/Table';
import { Toolbar } from '../../components/Toolbar';
import { formatBytes, relativeTime, shortId } from '../../lib/format';
import { removeImages } from '../../stores/actions';
import { images } from '../../stores/resources';
import { useVisibleRows } from '../../stores/list-store';

const labelOf = (id: string) => {
  const i = images.use.getState().items.find((x) => x.id === id);
  return i?.tags[0] ?? shortId(id);
};
const anyUsed = (ids: string[]) => images.use.getState().items.some((i) => ids.includes(i.id) && i.containers > 0);

const columns: Column<ImageSummary>[] = [
  {
    id: 'tag',
    title: 'Repository:Tag',
    sortKey: 'tag',
    render: (i) => (
      <div className="name-cell">
        {i.tags.length ? i.tags.map((t) => <strong key={t}>{t}</strong>) : <Badge label="dangling" />}
        <span className="muted mono">{shortId(i.id)}</span>
      </div>
    ),
  },
  { id: 'size', title: 'Size', sortKey: 'size', className: 'num', render: (i) => formatBytes(i.size) },
  { id: 'containers', title: 'Used by', sortKey: 'containers', render: (i) => (i.containers > 0 ? `${i.containers} container${i.containers === 1 ? '' : 's'}` : <span className="muted">unused</span>) },
  { id: 'created', title: 'Created', sortKey: 'created', render: (i) => <span title={new Date(i.created).toLocaleString()}>{relativeTime(i.created)}</span> },
  {
    id: 'actions',
    title: '',
    className: 'col-actions',
    render: (i) => (
      <span className="row-actions">
        <button className="danger" onClick={() => void removeImages([i.id], labelOf, i.containers > 0)}>
          Remove
        </button>
      </span>
    ),
  },
];

export function ImagesView({ stale }: { stale: boolean }) {
  const s = images.use(useShallow((st) => ({ query: st.query, filter: st.filter, sort: st.sort, selected: st.selected, total: st.items.length, loaded: st.loaded, error: st.error })));
  const rows = useVisibleRows(images);
  return (
    <section className="view">
      <Toolbar
        title="Images"
        count={s.total}
        query={s.query}
        onQuery={images.setQuery}
        filters={[
          { id: 'unused', label: 'Unused' },
          { id: 'dangling', label: 'Dangling' },
        ]}
        filter={s.filter}
        onFilter={images.setFilter}
      >
        {s.selected.length > 0 && (
          <div className="bulk">
            <span className="muted">{s.selected.length} selected</span>
            <button className="danger" onClick={() => void removeImages(s.selected, labelOf, anyUsed(s.selected))}>
              Remove
            </button>
          </div>
        )}
      </Toolbar>
      {s.error && <p className="list-error">Could not load images: {s.error}</p>}
      <Table
        label="Images"
        rows={rows}
        columns={columns}
        rowKey={images.spec.key}
        sort={s.sort}
        onSort={images.sortBy}
        selected={s.selected}
        onToggle={images.toggle}
        onSelectAll={images.selectAll}
        stale={stale}
        empty={!s.loaded ? 'Loading…' : s.total ? 'No image matches.' : 'No images yet.'}
      />
    </section>
  );
}
