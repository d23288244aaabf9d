import { describe, expect, it } from 'vitest';
import { bootView } from './boot-progress';

describe('bootView', () => {
  it('is indeterminate with no fraction and no earlier start, and counts the time', () => {
    expect(bootView({ step: 'Starting QEMU', startedAt: 1000, since: 5000 }, 13_500)).toEqual({ step: 'Starting QEMU', elapsedS: 12 });
  });

  it('goes by time against the last start, held below 1', () => {
    expect(bootView({ startedAt: 0, since: 0, expectedMs: 40_000 }, 10_000)).toMatchObject({ fraction: 0.25, aboutS: 40, step: 'Starting' });
    expect(bootView({ startedAt: 0, since: 0, expectedMs: 40_000 }, 400_000).fraction).toBe(0.95);
  });

  it("takes the backend's own fraction over the time (a first-run build), never 1 before running", () => {
    expect(bootView({ startedAt: 0, since: 0, expectedMs: 40_000, progress: 0.6 }, 10_000).fraction).toBe(0.6);
    expect(bootView({ startedAt: 0, since: 0, expectedMs: 40_000, progress: 0.1 }, 38_000).fraction).toBe(0.1);
    expect(bootView({ startedAt: 0, since: 0, progress: 1 }, 10).fraction).toBe(0.99);
  });
});
