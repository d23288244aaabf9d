/** The Jobs panel: running and recent jobs, newest first, with progress, duration and result, and Cancel / Show / Retry. */
import { jobDoing, jobEndTitle } from '../../../electron/shared/jobs';
import { Badge } from '../../components/Badge';
import { formatBytes, formatDuration } from '../../lib/format';
import { canReopen, canRetry, cancelJobById, clearEndedJobs, jobDuration, reopenJob, retryJob, runningCount, useJobs, type Job } from '../../stores/jobs';

function Progress({ job }: { job: Job }) {
  const { fraction, bytes, total } = job.progress;
  const sizes = bytes !== undefined ? `${formatBytes(bytes)}${total ? ` of ${formatBytes(total)}` : ''}` : '';
  if (fraction !== undefined)
    return (
      <span className="job-progress">
        <progress max={100} value={Math.floor(fraction * 100)} aria-label={`Progress of ${job.target}`} />
        <span className="muted small">
          {Math.floor(fraction * 100)} %{sizes && ` · ${sizes}`}
        </span>
      </span>
    );
  return <span className="muted small">{sizes || (job.status === 'running' ? 'working…' : '')}</span>;
}

function Row({ job }: { job: Job }) {
  const running = job.status === 'running';
  const title = running ? jobDoing(job) : jobEndTitle(job);
  return (
    <tr aria-label={`Job ${job.id}: ${title}`}>
      <td>
        <div className="name-cell">
          <strong>{title}</strong>
          {job.error && <span className="form-error small">{job.error}</span>}
        </div>
      </td>
      <td>
        <Badge label={job.status} />
      </td>
      <td>
        <Progress job={job} />
      </td>
      <td className="nowrap" title={new Date(job.startedAt).toLocaleString()}>
        {running ? `since ${new Date(job.startedAt).toLocaleTimeString()}` : formatDuration(jobDuration(job))}
      </td>
      <td className="col-actions">
        <span className="row-actions">
          {running && (
            <button onClick={() => cancelJobById(job.id)} aria-label={`Cancel job ${job.id}: ${title}`}>
              Cancel
            </button>
          )}
          {canReopen(job) && (
            <button onClick={() => reopenJob(job.id)} aria-label={`Show job ${job.id}: ${title}`}>
              Show
            </button>
          )}
          {canRetry(job) && (
            <button onClick={() => retryJob(job.id)} aria-label={`Retry job ${job.id}: ${title}`}>
              Retry
            </button>
          )}
        </span>
      </td>
    </tr>
  );
}

export function JobsView() {
  const jobs = useJobs((s) => s.jobs);
  const running = runningCount(jobs);
  return (
    <section className="view">
      <header className="toolbar">
        <h1>
          Jobs <span className="count">{running ? `${running} running` : jobs.length}</span>
        </h1>
        <div className="toolbar-actions">
          <button onClick={clearEndedJobs} disabled={jobs.length === running}>
            Clear finished
          </button>
        </div>
      </header>
      {jobs.length === 0 ? (
        <p className="muted empty">No jobs yet. Pulls, pushes, builds, saves, loads, compose up and down, and file transfers show here while they run and after.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Jobs">
            <thead>
              <tr>
                <th>Job</th>
                <th>Result</th>
                <th>Progress</th>
                <th>Duration</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...jobs].reverse().map((j) => (
                <Row key={j.id} job={j} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
