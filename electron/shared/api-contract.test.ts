import { describe, expect, it } from 'vitest';
import { cidr, resourceName, vmResources } from './api-contract';

describe('contract validators', () => {
  it.each(['172.30.0.0/16', '10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', 'fd00::/64', '2001:db8::/32'])('accepts subnet %s', (s) => {
    expect(cidr.safeParse(s).success).toBe(true);
  });
  it.each(['10.0.0.0', '256.0.0.0/8', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'abc/8', '10.0.0.0/8/8', ''])('refuses subnet %s', (s) => {
    expect(cidr.safeParse(s).success).toBe(false);
  });
  it.each(['web', 'my_app.1', 'A-b', '9lives'])('accepts name %s', (n) => {
    expect(resourceName.safeParse(n).success).toBe(true);
  });
  it.each(['', '-x', '.x', 'a b', 'a/b', 'x'.repeat(129), 'ümlaut'])('refuses name %s', (n) => {
    expect(resourceName.min(1).safeParse(n).success).toBe(false);
  });
  it('takes an auto-pause of 0 (never) or 3 s and more, not one that would pause the VM all the time', () => {
    const ok = (m: number) => vmResources.shape.autoPauseMinutes.safeParse(m).success;
    expect([0, 0.05, 0.5, 5, 1440].map(ok)).toEqual([true, true, true, true, true]);
    expect([0.001, 0.049, -1, 1441, Number.NaN].map(ok)).toEqual([false, false, false, false, false]);
  });
});
