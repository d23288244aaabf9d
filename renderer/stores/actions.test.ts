import { beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../electron/shared/wire';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { containerAction, createNetwork, createVolume, nameList, removeContainers, removeImages, removeNetworks, removeOpenContainer, removeVolumes } from './actions';
import { containers, images } from './resources';
import { answerConfirm, openContainer, setView, useUi } from './ui';

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
    answer = () => ({ ok: false, error: { code: 'CONFLICT', message: 'volume "x" already exists', hint: 'Pick another name.' } });
    expect(await createVolume({ name: 'x1' })).toEqual({ message: 'volume "x" already exists', hint: 'Pick another name.' });
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
    answer = () => ({
      ok: true,
      value: [
        { id: 'a', ok: true },
        { id: 'b', ok: true },
        { id: 'c', ok: false, error: { code: 'NOT_FOUND', message: 'No such container: c' } },
      ],
    });
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

  it('remove resolves with what is gone; from its own page it goes back to the list', async () => {
    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }] });
    openContainer('a');
    let done = removeOpenContainer('a');
    answerConfirm({ ok: false, option: false });
    await done;
    expect(useUi.getState().detail).toBe('a'); // cancelled: stays

    answer = () => ({ ok: true, value: [{ id: 'a', ok: false, error: { code: 'CONFLICT', message: 'container is running' } }] });
    done = removeOpenContainer('a');
    answerConfirm({ ok: true, option: false });
    await done;
    expect(useUi.getState().detail).toBe('a'); // refused: stays, with the reason as a toast
    expect(useUi.getState().toasts.map((x) => x.title)).toEqual(['Could not remove a']);

    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }] });
    done = removeOpenContainer('a');
    answerConfirm({ ok: true, option: false });
    await done;
    expect(useUi.getState()).toMatchObject({ view: 'containers', detail: undefined });

    answer = () => ({
      ok: true,
      value: [
        { id: 'a', ok: true },
        { id: 'b', ok: false, error: { code: 'NOT_FOUND', message: 'gone' } },
      ],
    });
    const ids = removeContainers(['a', 'b']);
    answerConfirm({ ok: true, option: false });
    expect(await ids).toEqual(['a']);
  });

  it('a page opened by name (or tag, or short id) goes back to the list once its item is removed', async () => {
    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }] });
    openContainer('web');
    const done = removeOpenContainer('a', 'web');
    answerConfirm({ ok: true, option: false });
    await done;
    expect(useUi.getState()).toMatchObject({ view: 'containers', detail: undefined });
  });

  it('removing from its page after the user moved on does not pull them back', async () => {
    answer = () => ({ ok: true, value: [{ id: 'a', ok: true }] });
    openContainer('a');
    const done = removeOpenContainer('a');
    setView('images');
    answerConfirm({ ok: true, option: false });
    await done;
    expect(useUi.getState()).toMatchObject({ view: 'images', detail: undefined });
  });
});

describe('confirmations say the right number', () => {
  beforeEach(() => {
    containers.use.setState({ items: [] });
    images.use.setState({ items: [] });
  });
  const asked = async (start: () => Promise<unknown>) => {
    const done = start();
    const c = useUi.getState().confirm;
    answerConfirm({ ok: false, option: false });
    await done;
    return { title: c?.title, body: c?.body, option: c?.option?.label };
  };

  it('one container: its name, "its writable layer"; several: the count, "their writable layers", the names', async () => {
    expect(await asked(() => removeContainers(['volA']))).toEqual({
      title: 'Remove 1 container?',
      body: 'volA will be deleted with its writable layer. This cannot be undone.',
      option: 'Force: stop it first if it is running',
    });
    expect(await asked(() => removeContainers(['a', 'b', 'c']))).toEqual({
      title: 'Remove 3 containers?',
      body: '3 containers will be deleted with their writable layers: a, b, c. This cannot be undone.',
      option: 'Force: stop running containers first',
    });
  });

  it('images, volumes and networks likewise', async () => {
    images.use.setState({
      items: [
        { id: 'i1', tags: ['web:1'], digests: [], size: 1, created: 0, containers: 1, dangling: false },
        { id: 'i2', tags: ['db:1'], digests: [], size: 1, created: 0, containers: 2, dangling: false },
      ],
    });
    expect(await asked(() => removeImages(['i1']))).toEqual({ title: 'Remove 1 image?', body: 'web:1 will be untagged and deleted. A container uses it.', option: 'Force: even if containers use it' });
    expect((await asked(() => removeImages(['i2']))).body).toBe('db:1 will be untagged and deleted. 2 containers use it.');
    images.use.setState({ items: [{ id: 'i3', tags: ['api:1', 'api:latest', 'reg:5000/api:1'], digests: [], size: 1, created: 0, containers: 0, dangling: false }] });
    expect((await asked(() => removeImages(['i3']))).body).toBe('api:1, api:latest and reg:5000/api:1 will be untagged and deleted.'); // every tag it loses
    images.use.setState({
      items: [
        { id: 'i1', tags: ['web:1'], digests: [], size: 1, created: 0, containers: 1, dangling: false },
        { id: 'i2', tags: ['db:1'], digests: [], size: 1, created: 0, containers: 2, dangling: false },
      ],
    });
    expect(await asked(() => removeImages(['i1', 'i2']))).toEqual({
      title: 'Remove 2 images?',
      body: '2 images will be untagged and deleted: web:1, db:1. Some of them are used by containers.',
      option: 'Force: even if containers use them',
    });
    expect((await asked(() => removeVolumes(['data']))).body).toBe('data and all data in it will be deleted. This cannot be undone.');
    expect((await asked(() => removeVolumes(['a', 'b']))).body).toBe('2 volumes and all data in them will be deleted: a, b. This cannot be undone.');
    expect((await asked(() => removeNetworks(['n1']))).body).toBe('n1 will be deleted.');
    expect((await asked(() => removeNetworks(['n1', 'n2']))).body).toBe('2 networks will be deleted: n1, n2.');
  });

  it('a long list names the first ten and counts the rest', () => {
    expect(nameList(Array.from({ length: 25 }, (_, i) => `c${i}`))).toBe('c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 15 more');
  });
});
