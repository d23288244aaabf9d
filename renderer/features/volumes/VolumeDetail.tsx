import { useState } from 'react';
import { Badge } from '../../components/Badge';
import { Dialog } from '../../components/Dialog';
import { formatBytes, relativeTime } from '../../lib/format';
import { removeOpen, removeVolumes } from '../../stores/actions';
import { loadVolume, useLoaded } from '../../stores/details';
import { volumeFiles } from '../../stores/files';
import { volumes } from '../../stores/resources';
import { closeDialog, openContainer, openDialog } from '../../stores/ui';
import { exportVolume, startClone } from '../../stores/volume-transfers';
import { FilesTab } from '../containers/FilesTab';
import { DetailHeader, Facts, InspectJson, NotShown, pairs } from '../details/DetailPage';

/** A copy of a volume into a new one: a background job (Jobs lists it, with progress) once the name is right. */
export function CloneVolumeDialog({ name, size }: { name: string; size?: number }) {
  const [to, setTo] = useState(`${name}-copy`);
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    const wrong = startClone(name, to, size);
    if (wrong) return setProblem(wrong);
    closeDialog(); // it goes on in Jobs
  };
  return (
    <Dialog title={`Clone ${name}`} submitLabel="Clone" onClose={closeDialog} onSubmit={submit} error={problem}>
      <label>
        <span>New volume</span>
        <input name="to" aria-label="New volume name" value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" />
      </label>
      <p className="muted small">Every file is copied into a new volume (default driver, the same labels). A cancelled or failed clone leaves no new volume.</p>
    </Dialog>
  );
}

export function VolumeDetail({ name }: { name: string }) {
  const row = volumes.use((s) => s.items.find((v) => v.name === name));
  // Loaded again when the row's contents change (not its object: the list is read again on any container change).
  const loaded = useLoaded(loadVolume, name, row && JSON.stringify(row));
  const v = loaded.data;
  const size = v && v.size >= 0 ? v.size : undefined;
  return (
    <section className="view detail">
      <DetailHeader
        back="Volumes"
        title={name}
        badges={v && !v.inUse && <Badge label="unused" />}
        actions={
          v && (
            <>
              <button onClick={() => void exportVolume(name)} title="Download its files as a tar">
                Export
              </button>
              <button onClick={() => openDialog({ kind: 'volume-clone', name, ...(size !== undefined ? { size } : {}) })}>Clone…</button>
              <button className="danger" onClick={() => void removeOpen(removeVolumes, name)}>
                Remove
              </button>
            </>
          )
        }
      />
      {!v || loaded.missing ? (
        <NotShown loaded={loaded} noun="volume" asked={name} back="Volumes" />
      ) : (
        <div className="detail-body">
          <Facts
            label="Volume"
            rows={[
              ['Size', size !== undefined ? formatBytes(size) : 'not known (the engine did not say)'],
              ['Driver', v.driver],
              ['Scope', v.scope],
              ['Mountpoint', v.mountpoint],
              ['Created', v.created ? `${new Date(v.created).toLocaleString()} (${relativeTime(v.created)})` : ''],
              ['Labels', pairs(v.labels)],
              ['Options', pairs(v.options)],
            ]}
          />
          <h2>Used by</h2>
          {v.usedBy.length ? (
            <ul className="chips" aria-label="Containers using it">
              {v.usedBy.map((c) => (
                <li className="chip" key={c}>
                  <button className="link" onClick={() => openContainer(c)}>
                    {c}
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No container uses it.</p>
          )}
          <h2>Files</h2>
          <FilesTab id={volumeFiles(name)} name={name} readOnly />
          <InspectJson view="volumes" id={name} />
        </div>
      )}
    </section>
  );
}
