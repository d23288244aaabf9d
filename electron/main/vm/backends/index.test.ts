import { describe, expect, it } from 'vitest';
import { pickBackend, vmBackend } from './index';

describe('the backend factory', () => {
  it('takes the backend BERTH_VM names, else the platform default (QEMU); a name it does not know changes nothing', () => {
    expect(pickBackend({ BERTH_VM: 'mock' }, 'linux')).toBe('mock');
    expect(pickBackend({ BERTH_VM: 'qemu' }, 'darwin')).toBe('qemu');
    for (const p of ['linux', 'darwin', 'win32', 'freebsd'] as const) expect(pickBackend({}, p)).toBe('qemu');
    expect(pickBackend({ BERTH_VM: 'toString' }, 'linux')).toBe('qemu'); // not an own key: no prototype lookups
    expect(pickBackend({ BERTH_VM: 'vbox' }, 'linux')).toBe('qemu');
    expect(vmBackend({ BERTH_VM: 'mock' }).kind).toBe('mock');
    expect(vmBackend({}, 'linux').kind).toBe('qemu');
  });
});
