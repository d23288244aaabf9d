import { describe, expect, it } from 'vitest';
import { hostFor } from './host';

describe('the QEMU host', () => {
  it.each<[NodeJS.Platform, boolean, string]>([
    ['linux', true, 'kvm'],
    ['linux', false, 'tcg'], // /dev/kvm there but not working (as on this machine)
    ['darwin', false, 'hvf'],
    ['win32', false, 'whpx'],
    ['freebsd', false, 'tcg'],
  ])('on %s (kvm works: %s) uses %s', (platform, kvm, accel) => {
    let probed = 0;
    expect(hostFor(platform).accel(() => (probed++, kvm))).toBe(accel);
    expect(probed).toBe(platform === 'linux' ? 1 : 0); // the KVM probe (a boot of its own) runs on Linux only
  });

  it('tells a stale pid from a QEMU only where /proc does', () => {
    expect(hostFor('linux').isQemu(process.pid)).toBe(false); // this is node, not QEMU
    expect(hostFor('linux').isQemu(0)).toBe(false);
    expect(hostFor('darwin').isQemu(process.pid)).toBe(false);
    expect(hostFor('win32').holderOf('/etc/hostname')).toBeUndefined();
  });
});
