import { beforeEach, describe, expect, it } from 'vitest';
import { connectApi } from '../api';
import { fakeTransport, type FakeTransport } from '../api/fake-transport';
import { useComposeProject, watchComposeProject } from './compose-project';

let t: FakeTransport;
let answer: unknown;
const info = (state: string) => ({ project: 'shop', files: ['/a/compose.yaml'], profiles: [], workingDir: '/a', source: 'berth', services: [{ service: 'web', state, containers: 1 }] });

beforeEach(() => {
  t = fakeTransport(() => ({ ok: true, value: answer }));
  connectApi(t);
});

describe('the compose project dialog’s data', () => {
  it('is read when the dialog opens and again on each change of containers, and dropped when it closes', async () => {
    answer = info('running');
    const off = watchComposeProject('shop');
    await expect.poll(() => useComposeProject.getState().info?.services[0]?.state).toBe('running');
    answer = info('exited');
    t.push('containers:changed', { ids: [] });
    await expect.poll(() => useComposeProject.getState().info?.services[0]?.state).toBe('exited');
    expect(t.calls.map((c) => c.method)).toEqual(['compose.project', 'compose.project']);
    off();
    t.push('containers:changed', { ids: [] });
    expect(t.calls).toHaveLength(2);
    expect(useComposeProject.getState()).toEqual({});
  });

  it('shows an answer under pushes that come faster than it answers (each answer used, reads one at a time)', async () => {
    let inFlight = 0;
    let most = 0;
    const answers: (() => void)[] = [];
    t = fakeTransport(() => {
      most = Math.max(most, ++inFlight);
      return new Promise((resolve) => answers.push(() => (inFlight--, resolve({ ok: true, value: info(`seen ${answers.length}`) }))));
    });
    connectApi(t);
    const off = watchComposeProject('shop');
    for (let i = 0; i < 5; i++) {
      t.push('containers:changed', { ids: [] }); // a push before each answer
      await expect.poll(() => answers.length).toBe(i + 1);
      answers[i]!();
      await expect.poll(() => useComposeProject.getState().info?.services[0]?.state).toBe(`seen ${i + 1}`); // shown, though pushes came meanwhile
    }
    expect(most).toBe(1);
    off();
  });
});
