/**
 * The jobs registry: every long job (image pull/push/build/load/save, compose up/down, file
 * downloads, uploads and exports) registers here as it starts, whatever store runs it, and stays
 * listed after it ends (the last JOBS_KEPT; running ones are never dropped). Each keeps its kind,
 * target, start and end time, progress, result and the arguments it started with; Cancel, Reopen
 * and Retry call back into the store that runs it. A job's end is said in a toast unless a dialog
 * on screen shows jobs of its kind. The list is reported to the main process (`jobs.report`) for
 * the tray and the desktop app's OS notifications.
 */
import { create } from 'zustand';
import { JOBS_KEPT, jobEndTitle, type JobKind, type JobReport, type JobStatus } from '../../electron/shared/jobs';
import { api, whenConnected } from '../api';
import { toast } from './ui';

export type { JobKind, JobStatus };

export interface JobProgress {
  /** Share done, 0..1, where known. */
  fraction?: number;
  bytes?: number;
  total?: number;
}

export interface Job {
  id: number;
  kind: JobKind;
  target: string;
  startedAt: number;
  endedAt?: number;
  status: JobStatus;
  progress: JobProgress;
  error?: string;
  /** What it started with; Retry starts the same job with these. */
  args: unknown;
}

/** How the store that runs a job cancels, shows and starts it again. */
export interface JobControl {
  cancel(): void;
  /** Opens the job's dialog showing its live progress (while it runs). */
  reopen?(): void;
  /** Starts the same job again with the same arguments. */
  retry?(): void;
}

export const useJobs = create<{ jobs: Job[] }>(() => ({ jobs: [] }));

let clock = () => Date.now();
/** For tests: the clock start and end times are read from. */
export const setJobClock = (now: () => number) => void (clock = now);

const controls = new Map<number, JobControl>();
// Ids go on from the page's load time, not 1: the shell tells a job's end by id against the last
// report, and a reloaded page's job 1 must not pass for the one before the reload.
let nextId = Date.now();

const patch = (id: number, p: Partial<Job>) => useJobs.setState((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, ...p } : j)) }));
const find = (id: number) => useJobs.getState().jobs.find((j) => j.id === id);

/** Registers a running job; returns its id. The oldest ended ones go past JOBS_KEPT. */
export function startJob(kind: JobKind, target: string, args: unknown, control: JobControl): number {
  const id = nextId++;
  controls.set(id, control);
  useJobs.setState((s) => {
    const jobs = [...s.jobs, { id, kind, target, args, startedAt: clock(), status: 'running' as const, progress: {} }];
    let extra = jobs.length - JOBS_KEPT;
    const kept = jobs.filter((j) => !(extra > 0 && j.status !== 'running' && extra-- > 0));
    for (const j of jobs) if (!kept.includes(j)) controls.delete(j.id);
    return { jobs: kept };
  });
  return id;
}

export function progressJob(id: number, progress: JobProgress): void {
  if (find(id)?.status === 'running') patch(id, { progress: { ...find(id)!.progress, ...progress } });
}

const watched = new Map<JobKind, number>(); // job dialogs on screen, by the kind they show

/** For a job dialog's effect: while it shows jobs of its kind, their end is said there, not in a toast. */
export function watchJobs(kind: JobKind): () => void {
  watched.set(kind, (watched.get(kind) ?? 0) + 1);
  return () => void watched.set(kind, watched.get(kind)! - 1);
}

/**
 * Ends a running job (a second end is ignored): done, failed with the error's words, or
 * cancelled. A done or failed one is said in a toast unless a dialog shows its kind (or `announce`
 * says otherwise).
 */
export function endJob(id: number, outcome: { error?: Error; cancelled?: boolean; announce?: boolean } = {}): void {
  const job = find(id);
  if (!job || job.status !== 'running') return;
  const status: JobStatus = outcome.cancelled ? 'cancelled' : outcome.error ? 'failed' : 'done';
  patch(id, { status, endedAt: clock(), ...(outcome.error ? { error: outcome.error.message } : {}) });
  const c = controls.get(id);
  if (c) controls.set(id, { ...c, cancel: () => {} });
  if (status === 'cancelled' || !(outcome.announce ?? !watched.get(job.kind))) return;
  const title = jobEndTitle({ ...job, status });
  toast(outcome.error ? { kind: 'error', title, message: outcome.error.message } : { kind: 'success', title });
}

export function cancelJobById(id: number): void {
  if (find(id)?.status === 'running') controls.get(id)?.cancel();
}

export const canReopen = (j: Job) => j.status === 'running' && !!controls.get(j.id)?.reopen;
export const canRetry = (j: Job) => j.status !== 'running' && !!controls.get(j.id)?.retry;

export const reopenJob = (id: number) => (find(id) && canReopen(find(id)!) ? controls.get(id)!.reopen!() : undefined);
export const retryJob = (id: number) => (find(id) && canRetry(find(id)!) ? controls.get(id)!.retry!() : undefined);

/** The Jobs panel's Clear: only the running jobs stay. */
export function clearEndedJobs(): void {
  const jobs = useJobs.getState().jobs;
  for (const j of jobs) if (j.status !== 'running') controls.delete(j.id);
  useJobs.setState({ jobs: jobs.filter((j) => j.status === 'running') });
}

/** How long a job ran, or has run so far. */
export const jobDuration = (j: Pick<Job, 'startedAt' | 'endedAt'>, now = clock()) => Math.max(0, (j.endedAt ?? now) - j.startedAt);

export const runningCount = (jobs: Job[]) => jobs.filter((j) => j.status === 'running').length;

/** What the main process is told: each job's status and whole percent (so a report goes out at most once a percent), the newest JOBS_KEPT (more may run). */
export function reportOf(jobs: Job[]): JobReport[] {
  return jobs.slice(-JOBS_KEPT).map((j) => ({
    id: j.id,
    kind: j.kind,
    target: j.target.slice(0, 256),
    status: j.status,
    ...(j.progress.fraction !== undefined ? { percent: Math.floor(j.progress.fraction * 100) } : {}),
    ...(j.error ? { error: j.error.slice(0, 1024) } : {}),
  }));
}

let lastReport = '[]';
useJobs.subscribe(({ jobs }) => {
  const report = reportOf(jobs);
  const key = JSON.stringify(report);
  if (key === lastReport) return;
  lastReport = key;
  try {
    api()
      .call('jobs.report', { jobs: report })
      .catch(() => undefined); // only the tray and OS notifications miss it
  } catch {
    // not connected (yet): the next change reports the whole list
  }
});

// The tray's Cancel (desktop app): the main process asks, the job's own store cancels it.
whenConnected((c) => c.on('jobs:cancel', ({ id }) => cancelJobById(id)));
