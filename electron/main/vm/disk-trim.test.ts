import { describe, expect, it } from 'vitest';
import { TRIM_COMMAND, trimmedBytes, trimOutcome } from './disk-trim';

describe('the guest trim', () => {
  it('syncs and trims the data filesystem, and reads the bytes trimmed (util-linux and busybox wording)', () => {
    expect(TRIM_COMMAND).toBe('sync -f /var/lib/docker; fstrim -v /var/lib/docker');
    expect(trimmedBytes('/var/lib/docker: 62.4 GiB (67043217408 bytes) trimmed\n')).toBe(67043217408);
    expect(trimmedBytes('/var/lib/docker: 1288490188 bytes trimmed')).toBe(1288490188);
    expect(trimmedBytes('something else')).toBeUndefined();
  });

  it("a failed trim is an error with the guest's words, or its exit code when it said nothing", () => {
    expect(trimOutcome({ code: 0, output: '/var/lib/docker: 0 B (0 bytes) trimmed\n' })).toBe(0);
    expect(() => trimOutcome({ code: 1, output: 'fstrim: /var/lib/docker: the discard operation is not supported\n' })).toThrow('fstrim: /var/lib/docker: the discard operation is not supported');
    expect(() => trimOutcome({ code: 127, output: '' })).toThrow('fstrim ended with exit code 127');
    expect(() => trimOutcome({ code: null, output: '' })).toThrow('fstrim ended with a signal');
    expect(() => trimOutcome({ code: 1, output: 'no' })).toThrow(expect.objectContaining({ name: 'BerthError', code: 'COMMAND_FAILED' })); // typed across the control socket
  });
});
