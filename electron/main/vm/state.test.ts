import { describe, expect, it } from 'vitest';
import { VmStateMachine, type VmStatus } from './state';

describe('VM state machine', () => {
  it('goes through a boot and a stop, reporting each change and boot step', () => {
    let t = 0;
    const vm = new VmStateMachine('stopped', () => ++t);
    const seen: VmStatus[] = [];
    vm.on((s) => seen.push(s));
    vm.to('starting', { step: 'Booting the kernel' });
    vm.step('Waiting for SSH');
    vm.to('running');
    vm.step('ignored: not starting');
    vm.to('stopping');
    vm.to('stopped');
    expect(seen.map((s) => [s.state, s.step])).toEqual([
      ['starting', 'Booting the kernel'],
      ['starting', 'Waiting for SSH'],
      ['running', undefined],
      ['stopping', undefined],
      ['stopped', undefined],
    ]);
    expect(seen.at(-1)!.since).toBe(5);
  });

  it('refuses what the state forbids, in words; a crash is an error, and start works again from there', () => {
    const vm = new VmStateMachine('running');
    expect(() => vm.to('starting')).toThrow(expect.objectContaining({ code: 'CONFLICT', message: 'The VM is running; it cannot go to starting from there.' }));
    vm.to('error', { reason: 'qemu exited (signal SIGKILL)' });
    expect(vm.get()).toMatchObject({ state: 'error', reason: 'qemu exited (signal SIGKILL)' });
    expect(vm.can('starting')).toBe(true);
    expect(vm.can('running')).toBe(false);
  });
});
