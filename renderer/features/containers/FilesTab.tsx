import { useEffect, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileEntry } from '../../../electron/shared/models';
import { formatBytes, relativeTime } from '../../lib/format';
import { watchJobs } from '../../stores/jobs';
import { cancelTransfer, downloadPath, exportFilesystem, joinPath, openFolder, parentOf, refreshFolder, uploadFiles, useFiles, type Transfer } from '../../stores/files';

/** Outline icons as SVG paths (emoji fonts are not everywhere). */
const ICON_PATH: Record<FileEntry['type'], string> = {
  dir: 'M1.5 3.5h4l1.5 1.5h7.5v8h-13z',
  file: 'M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3',
  link: 'M6.5 9.5l3-3M5 8l-1.5 1.5a2 2 0 003 3L8 11M11 8l1.5-1.5a2 2 0 00-3-3L8 5',
  other: 'M8 2l6 6-6 6-6-6z',
};

function FileIcon({ type }: { type: FileEntry['type'] }) {
  return (
    <svg className={`ficon ficon-${type}`} viewBox="0 0 16 16" aria-hidden="true">
      <path d={ICON_PATH[type]} />
    </svg>
  );
}
const isFolder = (e: FileEntry) => e.type === 'dir' || e.dirLink === true;

function TransferRow({ t }: { t: Transfer }) {
  const pct = t.total ? Math.floor((t.bytes / Math.max(t.total, 1)) * 100) : undefined;
  const what = t.kind === 'upload' ? `Upload ${t.label}` : `Download ${t.label}`;
  return (
    <li className="transfer" aria-label={what}>
      <span className="mono">{what}</span>
      {t.status === 'running' && pct !== undefined && <progress max={100} value={pct} />}
      <span className={t.status === 'failed' ? 'list-error' : 'muted'}>
        {t.status === 'running' ? `${formatBytes(t.bytes)}${t.total !== undefined ? ` of ${formatBytes(t.total)}` : ''}` : t.status === 'failed' ? `failed: ${t.error}` : t.status}
      </span>
      {t.status === 'running' && (
        <button className="icon" aria-label={`Cancel ${what}`} onClick={() => cancelTransfer(t.key)}>
          ✕
        </button>
      )}
    </li>
  );
}

/** A container's files (`id` its id), or a volume's, read-only (`id` from volumeFiles(name)). */
export function FilesTab({ id, name, readOnly = false }: { id: string; name: string; readOnly?: boolean }) {
  const s = useFiles(useShallow((st) => ({ ...st })));
  const [typed, setTyped] = useState(s.path);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    void openFolder(id, useFiles.getState().id === id ? useFiles.getState().path : '/');
  }, [id]);
  useEffect(() => setTyped(s.path), [s.path]);
  useEffect(() => {
    const off = (['download', 'upload', 'export'] as const).map(watchJobs); // the transfers list below says how they end
    return () => off.forEach((f) => f());
  }, []);
  const go = (path: string) => void openFolder(id, path);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (readOnly) return;
    void uploadFiles([...e.dataTransfer.files]);
  };
  const entries = s.listing?.entries ?? [];
  return (
    <div className={`files-tab${dragging ? ' dragging' : ''}`} onDragOver={(e) => (e.preventDefault(), setDragging(!readOnly))} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      <div className="log-toolbar">
        <button onClick={() => go(parentOf(s.path))} disabled={s.path === '/'} aria-label="Parent folder">
          ↑
        </button>
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            go(typed.trim() || '/');
          }}
        >
          <input className="mono path-input" aria-label="Folder path" value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} />
        </form>
        <button onClick={() => void refreshFolder()}>Refresh</button>
        <span className="toolbar-actions">
          {!readOnly && (
            <label className="button-like">
              Upload files…
              <input
                type="file"
                multiple
                hidden
                aria-label="Upload files"
                onChange={(e) => {
                  const files = [...(e.target.files ?? [])];
                  e.target.value = '';
                  void uploadFiles(files);
                }}
              />
            </label>
          )}
          <button onClick={() => void downloadPath(id, s.path)}>Download folder</button>
          {!readOnly && (
            <button onClick={() => void exportFilesystem(id, name)} title="docker export: every file but those in volumes, as one tar">
              Export filesystem
            </button>
          )}
        </span>
      </div>
      {s.error && <p className="list-error">{s.error}</p>}
      <div className={`table-wrap${s.loading ? ' stale' : ''}`}>
        <table aria-label="Files">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Size</th>
              <th>Modified</th>
              <th>Mode</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.name}>
                <td>
                  {isFolder(e) ? (
                    <button className="link-button mono" aria-label={`Open ${e.name}`} onClick={() => go(joinPath(s.path, e.name))}>
                      <FileIcon type={e.type} />
                      {e.name}
                    </button>
                  ) : (
                    <span className="mono">
                      <FileIcon type={e.type} />
                      {e.name}
                    </span>
                  )}
                  {e.target !== undefined && <span className="muted mono"> → {e.target}</span>}
                </td>
                <td className="num">{e.type === 'file' ? formatBytes(e.size) : ''}</td>
                <td className="nowrap" title={new Date(e.mtime).toISOString()}>
                  {relativeTime(e.mtime)}
                </td>
                <td className="mono">{e.mode}</td>
                <td className="col-actions">
                  <button className="small" aria-label={`Download ${e.name}`} onClick={() => void downloadPath(id, joinPath(s.path, e.name))}>
                    Download
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {s.listing && !entries.length && <div className="empty">This folder is empty.{readOnly ? '' : ' Drop files here to upload them.'}</div>}
      </div>
      <p className="muted small">
        {readOnly
          ? 'Read through a throwaway helper container that mounts the volume (removed after each read). Downloads are tar archives.'
          : s.listing?.via === 'archive'
            ? 'Read through the engine’s archive API (the container is stopped or has no shell).'
            : 'Drop files anywhere here to upload them into this folder. Downloads are tar archives.'}
      </p>
      {s.transfers.length > 0 && (
        <ul className="transfers" aria-label="Transfers">
          {s.transfers.map((t) => (
            <TransferRow key={t.key} t={t} />
          ))}
        </ul>
      )}
    </div>
  );
}
