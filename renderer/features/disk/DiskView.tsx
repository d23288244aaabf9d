import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CleanupKind, DiskUsage } from '../../../electron/shared/models';
import { Dialog } from '../../components/Dialog';
import { formatBytes } from '../../lib/format';
import { CLEANUP_LABELS, loadUsage, runCleanup, showPreview, showUsage, useDisk } from '../../stores/disk';
import { closeDialog, openDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';
import { VmDiskCard } from './VmDiskCard';

const CARDS: { key: keyof DiskUsage; title: string; cleanups: CleanupKind[] }[] = [
  { key: 'images', title: 'Images', cleanups: ['dangling-images', 'unused-images'] },
  { key: 'containers', title: 'Containers', cleanups: ['containers'] },
  { key: 'volumes', title: 'Volumes', cleanups: ['volumes'] },
  { key: 'buildCache', title: 'Build cache', cleanups: ['build-cache'] },
];

export function DiskView({ stale }: { stale: boolean }) {
  const { usage, error } = useDisk(useShallow((s) => ({ usage: s.usage, error: s.error })));
  useEffect(showUsage, []);
  return (
    <section className="view">
      <header className="toolbar">
        <h1>Disk usage</h1>
        <span className="toolbar-actions">
          <button onClick={() => void loadUsage()}>Refresh</button>
        </span>
      </header>
      {error && !stale && <p className="list-error">{error}</p>}
      <div className={`stats-grid${stale ? ' stale' : ''}`}>
        <VmDiskCard />
        {CARDS.map((c) => {
          const u = usage?.[c.key];
          return (
            <div className="stat-card" key={c.key} aria-label={c.title}>
              <div className="stat-head">
                <span className="muted">{c.title}</span>
                <strong className="stat-value">{u ? formatBytes(u.size) : '—'}</strong>
              </div>
              <span className="muted small">
                {u ? `${u.count} in all · ${formatBytes(u.reclaimable)} reclaimable` : stale ? 'Shown once the engine answers: the banner above says why.' : 'Loading…'}
              </span>
              <span className="row-actions">
                {c.cleanups.map((k) => (
                  <button key={k} onClick={() => openDialog({ kind: 'cleanup', what: k })}>
                    Clean up {CLEANUP_LABELS[k]}…
                  </button>
                ))}
              </span>
            </div>
          );
        })}
      </div>
    </section>
  );
}

/** Shows exactly what a cleanup removes before it runs. */
export function CleanupDialog({ what }: { what: CleanupKind }) {
  const { preview, previewError } = useDisk(useShallow((s) => ({ preview: s.preview, previewError: s.previewError })));
  useEffect(() => showPreview(what), [what]);
  const { busy, error, hint, errorKey, submit } = useSubmit(() => runCleanup(what));
  const empty = preview && preview.items.length === 0;
  return (
    <Dialog
      title={`Clean up ${CLEANUP_LABELS[what]}`}
      submitLabel="Remove"
      danger
      onClose={closeDialog}
      onSubmit={submit}
      submitDisabled={!preview || empty}
      busy={busy}
      error={error ?? previewError}
      hint={hint}
      errorKey={errorKey}
    >
      {!preview && !previewError && <p className="muted">Working out what would go…</p>}
      {empty && <p className="muted">Nothing to clean up.</p>}
      {preview && !empty && (
        <>
          <p>
            These {preview.items.length} will be removed, freeing about <strong>{formatBytes(preview.size)}</strong>. This cannot be undone.
          </p>
          <ul className="cleanup-list" aria-label="Will be removed">
            {preview.items.map((i) => (
              <li key={i.id}>
                <span className="mono">{i.name}</span> <span className="muted">{formatBytes(i.size)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
