import { describe, expect, it } from 'vitest';
import { formatUnit, tickSteps } from './chart-units';

describe('chart units', () => {
  it('labels values in binary units and percent', () => {
    expect(formatUnit('bytes', 64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatUnit('bytes/s', 1536)).toBe('1.50 KiB/s');
    expect(formatUnit('percent', 12.34)).toBe('12 %');
    expect(formatUnit('bytes', null)).toBe('—');
  });

  it('byte ticks fall on round binary sizes, in increasing order', () => {
    const steps = tickSteps('bytes');
    expect(steps).toContain(1024 * 1024);
    expect(steps).toContain(500 * 1024); // 500 KiB
    expect(steps).not.toContain(1000 * 1000);
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1]!)).toBe(true);
    expect(tickSteps('percent')).toContain(25 * 2); // 50 %
  });
});
