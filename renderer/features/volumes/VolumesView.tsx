import { useState } from 'react';
import type { VolumeSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import { Dialog } from '../../components/Dialog';
import type { Column } from '../../components/Table';
import { relativeTime } from '../../lib/format';
import { createVolume, pruneVolumes, removeVolumes } from '../../stores/actions';
import { volumes } from '../../stores/resources';
import { ResourceList } from '../ResourceList';
import { closeDialog, openDetail, openDialog } from '../../stores/ui';
import { useSubmit } from '../use-submit';
import { exportVolume, startImport } from '../../stores/volume-transfers';

const columns: Column<VolumeSummary>[] = [
  {
    id: 'name',
    title: 'Name',
    sortKey: 'name',
    render: (v) => (
      <button className="link" onClick={() => openDetail('volumes', v.name)} title="Files, size and users">
        <strong className="mono">{v.name}</strong>
      </button>
    ),
  },
  { id: 'driver', title: 'Driver', sortKey: 'driver', render: (v) => v.driver },
  {
    id: 'inUse',
    title: 'Used by',
    sortKey: 'inUse',
    render: (v) => (v.inUse ? <span title={v.usedBy.join(', ')}>{v.usedBy.join(', ')}</span> : <Badge label="unused" />),
  },
  { id: 'created', title: 'Created', sortKey: 'created', className: 'nowrap', render: (v) => relativeTime(v.created) },
  {
    id: 'actions',
    title: '',
    className: 'col-actions',
    render: (v) => (
      <span className="row-actions">
        <button onClick={() => void exportVolume(v.name)} aria-label={`Export ${v.name} as a tar`} title="Download its files as a tar">
          Export
        </button>
        <button className="danger" onClick={() => void removeVolumes([v.name])} aria-label={`Remove ${v.name}`}>
          Remove
        </button>
      </span>
    ),
  },
];

export function CreateVolumeDialog() {
  const [name, setName] = useState('');
  const { busy, error, hint, errorKey, submit } = useSubmit(() => createVolume(name.trim() ? { name: name.trim() } : {}));
  return (
    <Dialog title="Create volume" submitLabel="Create" onClose={closeDialog} onSubmit={submit} busy={busy} error={error} hint={hint} errorKey={errorKey}>
      <label>
        <span>
          Name <span className="muted">(empty: the engine picks one)</span>
        </span>
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my-data" autoComplete="off" />
      </label>
    </Dialog>
  );
}

/** A tar file into a new volume: a background job (Jobs lists it) once the form is right. */
export function ImportVolumeDialog() {
  const [name, setName] = useState('');
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    const wrong = startImport(name, file);
    if (wrong) return setProblem(wrong);
    closeDialog(); // it goes on in Jobs
  };
  return (
    <Dialog title="Import a volume" submitLabel="Import" onClose={closeDialog} onSubmit={submit} error={problem}>
      <label>
        <span>Tar file</span>
        <input type="file" aria-label="Tar file" accept=".tar,application/x-tar" onChange={(e) => setFile(e.target.files?.[0])} />
      </label>
      <label>
        <span>
          New volume <span className="muted">(or an empty one)</span>
        </span>
        <input name="name" aria-label="Volume name" value={name} onChange={(e) => setName(e.target.value)} placeholder="my-data" autoComplete="off" />
      </label>
    </Dialog>
  );
}

export function VolumesView({ stale }: { stale: boolean }) {
  return (
    <ResourceList
      store={volumes}
      title="Volumes"
      noun="volume"
      columns={columns}
      filters={[
        { id: 'in-use', label: 'In use' },
        { id: 'unused', label: 'Unused' },
      ]}
      bulk={(selected) => (
        <button className="danger" onClick={() => void removeVolumes(selected)}>
          Remove
        </button>
      )}
      actions={
        <>
          <button onClick={() => void pruneVolumes()}>Prune unused</button>
          <button onClick={() => openDialog({ kind: 'volume-import' })}>Import…</button>
          <button className="primary" onClick={() => openDialog({ kind: 'volume-create' })}>
            Create volume
          </button>
        </>
      }
      emptyHint="No volumes yet."
      stale={stale}
    />
  );
}
