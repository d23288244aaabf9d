import { beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../electron/shared/wire';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { containerAction, createNetwork, createVolume, removeContainers } from './actions';
import { answerConfirm, useUi } from './ui';

let t: FakeTransport;
let answer: (method: string, args: unknown) => Reply;
const tick = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  useUi.setState({ toasts: [], confirm: undefined, dialog: undefined });
  answer = () => ({ ok: true, value: null });
  t = fakeTransport((m, a) => answer(m, a));
  connectApi(t);
});

describe('actions', () => {
  it('a form with invalid input is answered with the reason and never reaches the API', async () => {
    expect(await createVolume({ name: 'bad name' })).toMatch(/name: must start with a letter or digit/);
    expect(await createNetwork({ name: 'n', subnet: '10.0.0.0/99' })).toMatch(/subnet: must be a subnet in CIDR form/);
    expect(t.calls).toEqual([]);
  });

  it('a refused create keeps the dialog open with the engine reason', async () => {
    useUi.setState({ dialog: { kind: 'volume-create' } });
    answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'volume "x" already exists' } });
    expect(await createVolume({ name: 'x1' })).toBe('volume "x" already exists');
    expect(useUi.getState().dialog).toEqual({ kind: 'volume-create' });
  });

  it('a successful create closes the dialog and says so', async () => {
    useUi.setState({ dialog: { kind: 'volume-create' } });
    answer = () => ({ ok: true, value: { name: 'x1' } });
    expect(await createVolume({ name: 'x1' })).toBeUndefined();
    expect(useUi.getState().dialog).toBeUndefined();
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['Created volume x1']);
  });

  it('bulk results: one toast for what worked, one per failure with the reason', async () => {
    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }, { id: 'b', ok: true }, { id: 'c', ok: false, error: { code: 'NOT_FOUND', message: 'No such container: c' } }] });
    await containerAction(['a', 'b', 'c'], 'stop');
    expect(useUi.getState().toasts.map((x) => [x.kind, x.title, x.message])).toEqual([
      ['success', 'Stopped 2 containers', undefined],
      ['error', 'Could not stop c', 'No such container: c'],
    ]);
  });

  it('a whole call failing is one error toast with the hint', async () => {
    answer = () => ({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'Cannot reach the engine', hint: 'Is the engine running?' } });
    await containerAction(['a'], 'start');
    expect(useUi.getState().toasts).toMatchObject([{ kind: 'error', message: 'Cannot reach the engine', hint: 'Is the engine running?' }]);
  });

  it('remove asks first; cancelling does nothing; the force option is passed on', async () => {
    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }] });
    let done = removeContainers(['a']);
    expect(useUi.getState().confirm?.title).toBe('Remove 1 container?');
    answerConfirm({ ok: false, option: false });
    await done;
    expect(t.calls).toEqual([]);

    done = removeContainers(['a']);
    answerConfirm({ ok: true, option: true });
    await done;
    await tick();
    expect(t.calls).toEqual([{ method: 'containers.remove', args: { ids: ['a'], force: true } }]);
  });
});
