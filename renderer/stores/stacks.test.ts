import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { retryJob, useJobs } from './jobs';
import { cancelStackRun, deployStack, removeStack, stacksConverging, useStacks } from './stacks';
import { answerConfirm, useUi } from './ui';

let t: FakeTransport;
const lastStream = () => t.streamMessages.filter((m) => m.t === 'stream').at(-1) as { id: number; name: string; args: unknown };
const data = (line: string) => t.deliver({ t: 'chunk', id: lastStream().id, data: line });
const end = (error?: { message: string; hint?: string }) => t.deliver({ t: 'end', id: lastStream().id, ...(error ? { error: { code: 'COMMAND_FAILED', ...error } } : {}) } as never);
const lastJob = () => useJobs.getState().jobs.at(-1)!;

beforeEach(() => {
  cancelStackRun();
  t = fakeTransport((m) => ({ ok: true, value: m === 'stacks.list' ? [] : undefined }));
  connectApi(t);
  useUi.setState({ toasts: [], dialog: undefined });
  useStacks.setState({ output: [], failure: undefined, files: {} });
});

describe('stack runs are jobs', () => {
  it("a deploy keeps the CLI's lines; a failure is kept with its hint, Retry runs the same files, and a success keeps them for Redeploy", async () => {
    const first = deployStack('shop', ['/srv/shop/stack.yaml']);
    expect(lastStream()).toMatchObject({ name: 'stacks.deploy', args: { name: 'shop', files: ['/srv/shop/stack.yaml'] } });
    expect(lastJob()).toMatchObject({ kind: 'stack-deploy', target: 'shop', status: 'running' });
    expect(useStacks.getState().running).toEqual({ verb: 'deploy', name: 'shop' });
    data('Creating network shop_back');
    end({ message: 'docker stack deploy of shop failed: no secret', hint: 'Make the secret first.' });
    expect(await first).toBe(false);
    expect(useStacks.getState()).toMatchObject({
      running: undefined,
      output: ['Creating network shop_back'],
      failure: { message: 'docker stack deploy of shop failed: no secret', hint: 'Make the secret first.' },
      files: {},
    });
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['The deploy of shop failed']);

    retryJob(lastJob().id);
    expect(lastStream()).toMatchObject({ name: 'stacks.deploy', args: { name: 'shop', files: ['/srv/shop/stack.yaml'] } });
    expect(useStacks.getState().failure).toBeUndefined();
    end();
    await new Promise((r) => setTimeout(r, 0));
    expect(lastJob().status).toBe('done');
    expect(useStacks.getState().files).toEqual({ shop: ['/srv/shop/stack.yaml'] });
  });

  it('one run at a time; Cancel stops it, ends its job cancelled and settles it', async () => {
    const run = deployStack('shop', ['/srv/shop']);
    expect(await deployStack('other', ['/srv/other'])).toBe(false); // refused in a toast
    expect(useUi.getState().toasts.at(-1)).toMatchObject({ kind: 'error', title: 'Could not start the deploy of other' });
    cancelStackRun();
    expect(await run).toBe(false);
    expect(t.streamMessages.at(-1)).toMatchObject({ t: 'cancel' });
    expect(lastJob()).toMatchObject({ kind: 'stack-deploy', status: 'cancelled' });
    expect(useStacks.getState().running).toBeUndefined();
  });

  it('a removal asks first; declined, nothing runs', async () => {
    const streams = () => t.streamMessages.filter((m) => m.t === 'stream').length;
    const before = streams();
    const no = removeStack('shop');
    expect(useUi.getState().confirm).toMatchObject({ title: 'Remove the stack shop?' });
    answerConfirm({ ok: false, option: false });
    await no;
    expect(streams()).toBe(before);
    const yes = removeStack('shop');
    answerConfirm({ ok: true, option: false });
    await Promise.resolve();
    expect(lastStream()).toMatchObject({ name: 'stacks.remove', args: { name: 'shop' } });
    expect(lastJob()).toMatchObject({ kind: 'stack-remove', status: 'running' });
    end();
    await yes;
    expect(lastJob().status).toBe('done');
  });

  it('converges while tasks run short of wanted, an update goes, or an opened stack has a task on its way', () => {
    const base = { output: [], files: {} };
    const stack = { name: 's', services: 1, running: 1, desired: 1, updating: false };
    expect(stacksConverging({ ...base, stacks: [stack] })).toBe(false);
    expect(stacksConverging({ ...base, stacks: [{ ...stack, running: 0 }] })).toBe(true);
    expect(stacksConverging({ ...base, stacks: [{ ...stack, updating: true }] })).toBe(true);
    const task = { id: 't', image: 'x', desiredState: 'running', state: 'starting' };
    const svc = { id: 'a', name: 's_a', image: 'x', mode: 'replicated' as const, running: 1, desired: 1, ports: [], version: 1, tasks: [task] };
    expect(stacksConverging({ ...base, stacks: [stack], detail: { name: 's', services: [svc], networks: [], secrets: [], configs: [] } })).toBe(true);
  });
});
