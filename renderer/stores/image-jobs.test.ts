import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { cancelJob, pullImage, resetJob, useJob, watchJob } from './image-jobs';
import { useUi } from './ui';

let t: FakeTransport;
const lastStream = () => t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number };
const end = (error?: { code: 'NOT_FOUND'; message: string }) => t.deliver({ t: 'end', id: lastStream().id, ...(error ? { error } : {}) } as never);
const titles = () => useUi.getState().toasts.map((x) => x.title);

beforeEach(() => {
  t = fakeTransport(() => undefined);
  connectApi(t);
  cancelJob();
  resetJob();
  useUi.setState({ toasts: [] });
});

describe('image jobs go on when their dialog closes', () => {
  it('the end of a job no dialog shows is said in a toast; one a dialog shows, there', async () => {
    const other = watchJob('build'); // a dialog of another kind does not show it
    const unwatch = watchJob('pull');
    let done = pullImage('alpine:3');
    end();
    expect(await done).toBe(true);
    expect(titles()).toEqual([]); // the dialog says it
    unwatch(); // the dialog closed: the next one goes on unseen (the build dialog open says nothing of pulls)
    resetJob();
    done = pullImage('busybox');
    expect(useJob.getState()).toMatchObject({ status: 'running', kind: 'pull', target: 'busybox' });
    end();
    await done;
    expect(titles()).toEqual(['Pulled busybox']);
    resetJob();
    done = pullImage('nope:1');
    end({ code: 'NOT_FOUND', message: 'manifest unknown' });
    expect(await done).toBe(false);
    expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'The pull of nope:1 failed', message: 'manifest unknown' });
    other();
  });

  it('only Cancel cancels, and says nothing more', async () => {
    const done = pullImage('big:1');
    cancelJob();
    expect(await done).toBe(false);
    expect(useJob.getState().status).toBe('cancelled');
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'cancel' });
    expect(titles()).toEqual([]);
  });
});
