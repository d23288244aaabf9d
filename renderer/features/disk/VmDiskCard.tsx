import { useShallow } from 'zustand/react/shallow';
import type { DiskUsage } from '../../../electron/shared/models';
import { formatBytes } from '../../lib/format';
import { compactVmDisk, useDisk } from '../../stores/disk';

/** What the engine's df counts in all: images, containers, volumes and the build cache. */
const engineTotal = (u: DiskUsage) => u.images.size + u.containers.size + u.volumes.size + u.buildCache.size;

/** The Berth VM's disk file on this computer, beside what the engine counts; shown only when the VM is the engine. */
export function VmDiskCard() {
  const { vmDisk, usage, error, compacting } = useDisk(useShallow((s) => ({ vmDisk: s.vmDisk, usage: s.usage, error: s.vmDiskError, compacting: s.compacting })));
  if (!vmDisk) return null;
  const why = !vmDisk.running ? 'Start the VM to compact its disk.' : undefined;
  return (
    <div className="stat-card" aria-label="VM disk on this computer" style={{ gridColumn: '1 / -1' }}>
      <div className="stat-head">
        <span className="muted">VM disk on this computer</span>
        <strong className="stat-value">{vmDisk.exists ? formatBytes(vmDisk.allocated) : '—'}</strong>
      </div>
      <span className="muted small">
        {vmDisk.exists ? `${formatBytes(vmDisk.allocated)} of ${formatBytes(vmDisk.max)} at most` : 'Made at the VM\u2019s first start'}
        {usage ? ` · the engine counts ${formatBytes(engineTotal(usage))}` : ''}
        {' · space freed in the VM goes back to this computer within seconds'}
      </span>
      <span className="muted small mono">{vmDisk.file}</span>
      {error && <span className="list-error">{error}</span>}
      <span className="row-actions">
        <button onClick={() => void compactVmDisk()} disabled={!!why || compacting || !vmDisk.exists} title={why}>
          {compacting ? 'Compacting…' : 'Compact now'}
        </button>
        {why && <span className="muted small">{why}</span>}
      </span>
    </div>
  );
}
