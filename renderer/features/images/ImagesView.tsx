import type { ImageSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import type { Column } from '../../components/Table';
import { formatBytes, relativeTime, shortId } from '../../lib/format';
import { removeImages } from '../../stores/actions';
import { images } from '../../stores/resources';
import { openRunDialog } from '../../stores/run-form';
import { ResourceList } from '../ResourceList';
import { RunningJob } from './RunningJob';
import { openDetail, openDialog } from '../../stores/ui';
import { imagePlace } from './ImageDetail';

/** How a row's buttons name their image for a screen reader: its first tag, else its short id. */
const imageName = (i: ImageSummary) => i.tags[0] ?? shortId(i.id);
const columns: Column<ImageSummary>[] = [
  {
    id: 'tag',
    title: 'Repository:Tag',
    sortKey: 'tag',
    render: (i) => (
      <div className="name-cell">
        {/* Its name holds what it shows (the tags, or "dangling" and the id): */}
        <button
          className="link"
          onClick={() => openDetail('images', imagePlace(i.id))}
          title="Config, layers and users"
          aria-label={`Open ${i.tags.length ? i.tags.join(' ') : `dangling image ${shortId(i.id)}`}`}
        >
          {i.tags.length ? i.tags.map((t, n) => <strong key={t}>{n ? ` ${t}` : t}</strong>) : <Badge label="dangling" />}
        </button>
        <span className="muted mono">{shortId(i.id)}</span>
      </div>
    ),
  },
  { id: 'size', title: 'Size', sortKey: 'size', className: 'num', render: (i) => formatBytes(i.size) },
  {
    id: 'containers',
    title: 'Used by',
    sortKey: 'containers',
    render: (i) => (i.containers > 0 ? `${i.containers} container${i.containers === 1 ? '' : 's'}` : <span className="muted">unused</span>),
  },
  { id: 'created', title: 'Created', sortKey: 'created', className: 'nowrap', render: (i) => <span title={new Date(i.created).toLocaleString()}>{relativeTime(i.created)}</span> },
  {
    id: 'actions',
    title: '',
    className: 'col-actions',
    render: (i) => (
      <span className="row-actions">
        <button onClick={() => openRunDialog(i.tags[0] ?? i.id)} aria-label={`Run ${imageName(i)}…`}>
          Run…
        </button>
        <button onClick={() => openDialog({ kind: 'image-history', id: i.id })} aria-label={`History of ${imageName(i)}`}>
          History
        </button>
        <button onClick={() => openDialog({ kind: 'image-tag', id: i.id })} aria-label={`Tag ${imageName(i)}…`}>
          Tag…
        </button>
        {i.tags.length > 0 && (
          <button onClick={() => openDialog({ kind: 'image-job', job: 'push', initial: i.tags[0] })} aria-label={`Push ${imageName(i)}…`}>
            Push…
          </button>
        )}
        <button onClick={() => openDialog({ kind: 'image-job', job: 'save', initial: i.id })} aria-label={`Save ${imageName(i)}…`}>
          Save…
        </button>
        <button className="danger" onClick={() => void removeImages([i.id])} aria-label={`Remove ${imageName(i)}`}>
          Remove
        </button>
      </span>
    ),
  },
];

export function ImagesView({ stale }: { stale: boolean }) {
  return (
    <ResourceList
      store={images}
      title="Images"
      noun="image"
      columns={columns}
      filters={[
        { id: 'unused', label: 'Unused' },
        { id: 'dangling', label: 'Dangling' },
      ]}
      bulk={(selected) => (
        <button className="danger" onClick={() => void removeImages(selected)}>
          Remove
        </button>
      )}
      actions={
        <>
          <button onClick={() => openDialog({ kind: 'cleanup', what: 'dangling-images' })}>Prune dangling…</button>
          <button onClick={() => openDialog({ kind: 'cleanup', what: 'unused-images' })}>Prune unused…</button>
          <button onClick={() => openDialog({ kind: 'registries' })}>Registries…</button>
          <button onClick={() => openDialog({ kind: 'registry-browse' })}>Browse a registry…</button>
          <button onClick={() => openDialog({ kind: 'image-job', job: 'load' })}>Load…</button>
          <button onClick={() => openDialog({ kind: 'image-job', job: 'build' })}>Build…</button>
          <button className="primary" onClick={() => openDialog({ kind: 'image-job', job: 'pull' })}>
            Pull…
          </button>
        </>
      }
      above={<RunningJob />}
      emptyHint="No images yet. Pull one, build one, or load a saved archive."
      stale={stale}
    />
  );
}
