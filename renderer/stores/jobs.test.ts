import { beforeEach, describe, expect, it, vi } from 'vitest';
import { JOBS_KEPT } from '../../electron/shared/jobs';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { canReopen, canRetry, cancelJobById, endJob, jobDuration, progressJob, reopenJob, retryJob, runningCount, setJobClock, startJob, useJobs, watchJobs } from './jobs';
import { useUi } from './ui';

let t: FakeTransport;
let now = 1000;
const titles = () => useUi.getState().toasts.map((x) => `${x.kind}: ${x.title}`);
const job = (id: number) => useJobs.getState().jobs.find((j) => j.id === id)!;
const control = () => ({ cancel: vi.fn(), reopen: vi.fn(), retry: vi.fn() });

beforeEach(() => {
  for (const j of useJobs.getState().jobs) endJob(j.id, { cancelled: true });
  useJobs.setState({ jobs: [] });
  t = fakeTransport(() => ({ ok: true, value: undefined }));
  connectApi(t);
  useUi.setState({ toasts: [] });
  setJobClock(() => now);
});

describe('jobs registry', () => {
  it('keeps kind, target, arguments, start and end, and the duration from the injected clock', () => {
    const id = startJob('pull', 'busybox:1', { ref: 'busybox:1' }, control());
    expect(job(id)).toMatchObject({ kind: 'pull', target: 'busybox:1', args: { ref: 'busybox:1' }, status: 'running', startedAt: 1000 });
    now = 3500;
    expect(jobDuration(job(id))).toBe(2500); // so far
    progressJob(id, { fraction: 0.25, bytes: 25, total: 100 });
    progressJob(id, { bytes: 50 });
    expect(job(id).progress).toEqual({ fraction: 0.25, bytes: 50, total: 100 });
    now = 4000;
    endJob(id);
    now = 9000;
    expect(job(id)).toMatchObject({ status: 'done', endedAt: 4000 });
    expect(jobDuration(job(id))).toBe(3000); // fixed once ended
    endJob(id, { error: new Error('late') }); // a second end changes nothing
    expect(job(id).status).toBe('done');
    progressJob(id, { fraction: 1 });
    expect(job(id).progress.fraction).toBe(0.25);
  });

  it(`keeps the last ${JOBS_KEPT}, dropping the oldest ended ones, never a running one`, () => {
    const first = startJob('build', '/src', {}, control()); // runs all along
    const ids = Array.from({ length: JOBS_KEPT + 5 }, (_, i) => {
      const id = startJob('pull', `img${i}`, { ref: `img${i}` }, control());
      endJob(id, i % 2 ? { error: new Error('no') } : {});
      return id;
    });
    const jobs = useJobs.getState().jobs;
    expect(jobs).toHaveLength(JOBS_KEPT);
    expect(jobs[0]!.id).toBe(first);
    expect(jobs.at(-1)!.id).toBe(ids.at(-1));
    expect(jobs.some((j) => j.id === ids[5])).toBe(false);
    expect(runningCount(jobs)).toBe(1);
  });

  it('cancel, reopen and retry call back into the job’s own store, each when it makes sense', () => {
    const c = control();
    const id = startJob('push', 'r:5000/a:1', { ref: 'r:5000/a:1' }, c);
    expect(canReopen(job(id))).toBe(true);
    expect(canRetry(job(id))).toBe(false);
    reopenJob(id);
    expect(c.reopen).toHaveBeenCalledTimes(1);
    retryJob(id); // not while it runs
    expect(c.retry).not.toHaveBeenCalled();
    endJob(id, { error: new Error('denied: requested access to the resource is denied') });
    expect(job(id)).toMatchObject({ status: 'failed', error: 'denied: requested access to the resource is denied' });
    expect(canReopen(job(id))).toBe(false);
    cancelJobById(id); // over already
    expect(c.cancel).not.toHaveBeenCalled();
    retryJob(id);
    expect(c.retry).toHaveBeenCalledTimes(1);
    const other = control();
    const id2 = startJob('save', 'busybox', { id: 'sha256:1' }, other);
    cancelJobById(id2);
    expect(other.cancel).toHaveBeenCalledTimes(1);
  });

  it('says an end in a toast unless a dialog shows its kind; a cancel says nothing', () => {
    const unwatch = watchJobs('compose-up');
    endJob(startJob('compose-up', '/app/compose.yaml', {}, control()), { error: new Error('bad file') });
    endJob(startJob('pull', 'busybox', {}, control()));
    endJob(startJob('push', 'r/a', {}, control()), { error: new Error('denied') });
    endJob(startJob('pull', 'big', {}, control()), { cancelled: true });
    unwatch();
    endJob(startJob('compose-up', '/app', {}, control()), { announce: true });
    expect(titles()).toEqual(['success: Pulled busybox', 'error: The push of r/a failed', 'success: Compose project is up: /app']);
    expect(useUi.getState().toasts[1]!.message).toBe('denied');
  });

  it('reports the list to the main process as it changes, a percent at a time', async () => {
    const id = startJob('pull', 'busybox', {}, control());
    progressJob(id, { fraction: 0.101 });
    progressJob(id, { fraction: 0.109, bytes: 9 }); // same percent: no report
    endJob(id);
    const reports = t.calls.filter((c) => c.method === 'jobs.report').map((c) => (c.args as { jobs: unknown[] }).jobs);
    expect(reports).toEqual([
      [{ id, kind: 'pull', target: 'busybox', status: 'running' }],
      [{ id, kind: 'pull', target: 'busybox', status: 'running', percent: 10 }],
      [{ id, kind: 'pull', target: 'busybox', status: 'done', percent: 10 }],
    ]);
  });

  it('cancels the job the tray names', () => {
    const c = control();
    const id = startJob('build', '/src', {}, c);
    t.push('jobs:cancel', { id });
    expect(c.cancel).toHaveBeenCalledTimes(1);
  });
});
