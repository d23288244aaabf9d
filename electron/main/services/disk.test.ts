import { describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { currentContainers, DiskService, planFrom } from './disk';

const rec = (ID: string, more: Record<string, unknown> = {}) => ({ ID, Size: 10, InUse: false, Shared: false, ...more });

describe('build-cache preview', () => {
  it('lists children before their parents, and leaves out what a record in use builds on', () => {
    const BuildCache = [
      rec('base'),
      rec('mid', { Parent: 'base' }), // API 1.41
      rec('leaf', { Parents: ['mid'] }), // API 1.42+
      rec('held-parent'),
      rec('busy', { Parents: ['held-parent'], InUse: true }),
      rec('shared', { Shared: true }),
    ];
    const plan = planFrom({ BuildCache }, 'build-cache');
    expect(plan.items.map((i) => i.id)).toEqual(['leaf', 'mid', 'base', 'shared']);
    expect(plan.size).toBe(30); // a shared record frees nothing of its own
  });

  it('a parent loop or a missing parent does not hang or throw', () => {
    const plan = planFrom({ BuildCache: [rec('a', { Parent: 'b' }), rec('b', { Parent: 'a' }), rec('c', { Parents: ['gone'] })] }, 'build-cache');
    expect(plan.items.map((i) => i.id).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('container cleanup', () => {
  it('takes the containers from the current list, with df sizes where df had them', () => {
    const df = [
      { Id: 'old', Names: ['/old'], State: 'exited', SizeRw: 7 },
      { Id: 'gone', State: 'exited', SizeRw: 9 },
      { Id: 'up', State: 'exited', SizeRw: 3 },
    ];
    const list = [
      { Id: 'old', Names: ['/old'], State: 'exited' },
      { Id: 'new', Names: ['/new'], State: 'created' },
      { Id: 'up', Names: ['/up'], State: 'running' },
    ];
    const plan = planFrom({ Containers: currentContainers(df, list) }, 'containers');
    expect(plan.items).toEqual([
      { id: 'old', name: 'old', size: 7 },
      { id: 'new', name: 'new', size: 0 },
    ]);
    expect(plan.size).toBe(7);
  });
});

describe('the VM disk beside df', () => {
  it('is none, and compacting is refused in words, when the engine in use is not the Berth VM', async () => {
    const svc = new DiskService({} as Dockerode);
    expect(await svc.vmDisk()).toBeNull();
    await expect(svc.compact()).rejects.toMatchObject({ code: 'CONFLICT', message: 'The engine in use is not the Berth VM: there is no VM disk to compact.' });
  });
});
