import { describe, expect, it } from 'vitest';
import { jobDoing, jobEndTitle, newlyEnded, type JobReport } from './jobs';

const job = (id: number, status: JobReport['status']): JobReport => ({ id, kind: 'pull', target: 'busybox', status });

describe('job words', () => {
  it('say what a job does and how it ended', () => {
    expect(jobDoing({ kind: 'compose-up', target: '/srv/app' })).toBe('Compose up of /srv/app');
    expect(jobEndTitle({ kind: 'pull', target: 'busybox', status: 'done' })).toBe('Pulled busybox');
    expect(jobEndTitle({ kind: 'push', target: 'r:5000/a', status: 'failed' })).toBe('The push of r:5000/a failed');
    expect(jobEndTitle({ kind: 'compose-down', target: 'web', status: 'cancelled' })).toBe('The compose down of web was cancelled');
  });
});

describe('newlyEnded', () => {
  it('names the jobs that ended done or failed since the last report, each once; a cancel is not said', () => {
    const prev = [job(1, 'running'), job(2, 'running'), job(3, 'done'), job(4, 'running')];
    const next = [job(1, 'done'), job(2, 'failed'), job(3, 'done'), job(4, 'cancelled'), job(5, 'done'), job(6, 'running')];
    expect(newlyEnded(prev, next).map((j) => j.id)).toEqual([1, 2, 5]); // 5 started and ended between two reports
    expect(newlyEnded(next, next)).toEqual([]);
  });
});
