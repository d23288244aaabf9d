import { describe, expect, it } from 'vitest';
import { trayIcon, trayMenu, TRAY_CONTAINERS_MAX, TRAY_JOBS_MAX, type TrayItem, type TrayState, type VmState } from './tray-menu';

const base: TrayState = { engine: 'up', running: [], quitStopsVm: true };
const find = (items: TrayItem[], label: string | RegExp) => items.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')));

describe('tray menu', () => {
  it.each<[VmState, { start: boolean; stop: boolean; restart: boolean; icon: string; quit: string }]>([
    ['stopped', { start: true, stop: false, restart: false, icon: 'stopped', quit: 'Quit Berth' }],
    ['starting', { start: false, stop: false, restart: false, icon: 'busy', quit: 'Quit Berth (stops the VM)' }],
    ['running', { start: false, stop: true, restart: true, icon: 'running', quit: 'Quit Berth (stops the VM)' }],
    ['stopping', { start: false, stop: false, restart: false, icon: 'busy', quit: 'Quit Berth (stops the VM)' }],
    ['error', { start: true, stop: false, restart: true, icon: 'error', quit: 'Quit Berth (stops the VM)' }],
  ])('VM %s', (vm, want) => {
    const items = trayMenu({ ...base, vm });
    expect(find(items, 'Start VM')?.enabled).toBe(want.start);
    expect(find(items, 'Stop VM')?.enabled).toBe(want.stop);
    expect(find(items, 'Restart VM')?.enabled).toBe(want.restart);
    expect(find(items, /^Quit/)?.label).toBe(want.quit);
    expect(trayIcon({ vm, engine: vm === 'running' ? 'up' : 'unreachable' })).toBe(want.icon);
  });

  it('VM paused (resource saver): said, resumable, stoppable and restartable; the engine is still there', () => {
    const items = trayMenu({ ...base, vm: 'paused' });
    expect(items[0]!.label).toBe('Berth VM is paused (resource saver)');
    expect(find(items, 'Start VM')).toBeUndefined();
    expect(find(items, 'Resume VM')).toMatchObject({ enabled: true, action: { kind: 'vm', action: 'start' } });
    expect(find(items, 'Stop VM')?.enabled).toBe(true);
    expect(find(items, 'Restart VM')?.enabled).toBe(true);
    expect(find(items, /^Quit/)?.label).toBe('Quit Berth (stops the VM)');
    expect(trayIcon({ vm: 'paused', engine: 'up' })).toBe('running');
  });

  it('without a VM: the engine state, no VM entries, a plain quit', () => {
    const items = trayMenu({ ...base, engine: 'unreachable' });
    expect(items[0]!.label).toBe('Engine unreachable');
    expect(find(items, 'Start VM')).toBeUndefined();
    expect(find(items, /containers/)).toBeUndefined(); // nothing to list while the engine is away
    expect(find(items, /^Quit/)?.label).toBe('Quit Berth');
    expect(trayIcon({ engine: 'unreachable' })).toBe('error');
    expect(trayIcon({ engine: 'up' })).toBe('running');
    expect(trayMenu({ ...base, engine: 'unreachable', notAnswering: true })[0]!.label).toBe('Engine not answering'); // hung, not gone
  });

  it('lists running containers for quick stop, capped, with the rest counted', () => {
    const running = Array.from({ length: TRAY_CONTAINERS_MAX + 3 }, (_, i) => ({ id: `id${i}`, name: `c${i}` }));
    const sub = find(trayMenu({ ...base, running }), /^Running containers/)!;
    expect(sub.label).toBe(`Running containers (${TRAY_CONTAINERS_MAX + 3})`);
    expect(sub.submenu![0]).toEqual({ label: 'Stop c0', action: { kind: 'stop-container', id: 'id0' } });
    expect(sub.submenu!.at(-1)).toEqual({ label: '…and 3 more (open the dashboard)', enabled: false });
    expect(find(trayMenu(base), 'No running containers')?.enabled).toBe(false);
  });

  it('lists the running jobs with how far they are, each to show or cancel; ended ones are not listed', () => {
    expect(find(trayMenu(base), /jobs/)).toBeUndefined();
    const jobs: TrayState['jobs'] = [
      { id: 1, kind: 'pull', target: 'busybox:1', status: 'running', percent: 42 },
      { id: 2, kind: 'compose-up', target: '/srv/app', status: 'running' },
      { id: 3, kind: 'push', target: 'r:5000/a', status: 'failed', error: 'denied' },
    ];
    const sub = find(trayMenu({ ...base, engine: 'unreachable', jobs }), /^Running jobs/)!; // listed whatever the engine does
    expect(sub.label).toBe('Running jobs (2)');
    expect(sub.submenu!.map((i) => i.label)).toEqual(['Pulling busybox:1 · 42 %', 'Compose up of /srv/app']);
    expect(sub.submenu![0]!.submenu).toEqual([
      { label: 'Show in Berth', action: { kind: 'open' } },
      { label: 'Cancel', action: { kind: 'cancel-job', id: 1 } },
    ]);
    const many = Array.from({ length: TRAY_JOBS_MAX + 2 }, (_, i) => ({ id: i + 1, kind: 'save' as const, target: `img${i}`, status: 'running' as const }));
    expect(find(trayMenu({ ...base, jobs: many }), /^Running jobs/)!.submenu!.at(-1)).toEqual({ label: '…and 2 more (open the dashboard)', enabled: false });
  });
});
