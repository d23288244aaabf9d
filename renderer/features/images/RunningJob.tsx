/** The image job still running after its dialog closed: what it does, how far, and Show / Cancel. */
import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../../lib/format';
import { totals } from '../../lib/progress';
import { cancelJob, useJob } from '../../stores/image-jobs';
import { openDialog, useUi } from '../../stores/ui';

const DOING = { pull: 'Pulling', push: 'Pushing', build: 'Building', load: 'Loading', save: 'Saving' } as const;

export function RunningJob() {
  const j = useJob(useShallow((s) => ({ kind: s.kind, target: s.target, status: s.status, progress: s.progress, bytes: s.bytes, total: s.total, lines: s.output.length })));
  const shown = useUi((s) => s.dialog?.kind === 'image-job');
  if (j.status !== 'running' || !j.kind || shown) return null;
  const t = totals(j.progress);
  const far =
    t.total > 0
      ? `${Math.floor((100 * t.current) / t.total)} %`
      : j.bytes !== undefined
        ? `${formatBytes(j.bytes)}${j.total ? ` of ${formatBytes(j.total)}` : ''}`
        : j.kind === 'build'
          ? `${j.lines} lines of output`
          : 'starting';
  return (
    <div className="banner banner-info" role="status" aria-label="Running image job">
      <span>
        <strong>
          {DOING[j.kind]} {j.target}
        </strong>{' '}
        · {far}
      </span>
      <span className="toolbar-actions">
        <button onClick={() => openDialog({ kind: 'image-job', job: j.kind!, ...(j.target ? { initial: j.target } : {}) })}>Show</button>
        <button onClick={cancelJob}>Cancel</button>
      </span>
    </div>
  );
}
