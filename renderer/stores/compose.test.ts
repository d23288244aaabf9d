import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { cancelCompose, composeDown, composeUp, useCompose } from './compose';
import { retryJob, useJobs } from './jobs';
import { answerConfirm, openDialog, useUi } from './ui';

let t: FakeTransport;
const lastStream = () => t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number; name: string; args: unknown };
const end = (error?: string) => t.deliver({ t: 'end', id: lastStream().id, ...(error ? { error: { code: 'COMPOSE_FAILED', message: error } } : {}) } as never);
const lastJob = () => useJobs.getState().jobs.at(-1)!;

beforeEach(() => {
  cancelCompose();
  t = fakeTransport(() => ({ ok: true, value: undefined }));
  connectApi(t);
  useUi.setState({ toasts: [], dialog: undefined });
});

describe('compose runs are jobs', () => {
  it('an up goes on with its dialog closed; its end is said in a toast, and Retry runs it with the same file', async () => {
    openDialog({ kind: 'compose-up' });
    const up = composeUp({ files: ['/srv/app/compose.yaml', '/srv/app/dev.yaml'], project: 'shop', profiles: ['debug'], build: true });
    expect(lastJob()).toMatchObject({
      kind: 'compose-up',
      target: 'shop (/srv/app/compose.yaml + 1 more)',
      status: 'running',
      args: { files: ['/srv/app/compose.yaml', '/srv/app/dev.yaml'], project: 'shop', profiles: ['debug'], build: true },
    });
    openDialog({ kind: 'registries' }); // another dialog meanwhile
    end('compose up failed: no such service');
    expect(await up).toBe('compose up failed: no such service');
    expect(useUi.getState().dialog).toEqual({ kind: 'registries' }); // left alone
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['The compose up of shop (/srv/app/compose.yaml + 1 more) failed']);
    expect(useCompose.getState().upError).toBe('compose up failed: no such service');
    retryJob(lastJob().id);
    expect(lastStream()).toMatchObject({ name: 'compose.up', args: { files: ['/srv/app/compose.yaml', '/srv/app/dev.yaml'], project: 'shop', profiles: ['debug'], build: true } });
    end();
    await Promise.resolve();
    expect(lastJob().status).toBe('done');
  });

  it('Cancel stops it, ends its job cancelled and gives the dialog its answer', async () => {
    const up = composeUp({ files: ['/srv/app'] });
    cancelCompose();
    expect(await up).toMatch(/^Cancelled/);
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'cancel' });
    expect(lastJob().status).toBe('cancelled');
    expect(useCompose.getState().running).toBeUndefined();
  });

  it('Retry of a down asks again (it removes things), with the volumes choice made before', async () => {
    const down = composeDown('shop');
    expect(useUi.getState().confirm).toMatchObject({ title: 'Take down shop?', option: { initial: false } });
    answerConfirm({ ok: true, option: true });
    await Promise.resolve();
    expect(lastStream()).toMatchObject({ name: 'compose.down', args: { project: 'shop', removeVolumes: true } });
    end('compose down failed: engine went away');
    await down;
    const streams = t.streamMessages.filter((m) => m.t === 'stream').length;
    retryJob(lastJob().id);
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(streams); // nothing runs before the answer
    expect(useUi.getState().confirm).toMatchObject({ title: 'Take down shop?', option: { initial: true } });
    answerConfirm({ ok: false, option: true });
    await Promise.resolve();
    expect(t.streamMessages.filter((m) => m.t === 'stream')).toHaveLength(streams); // declined: nothing ran
  });
});
