import { describe, expect, it } from 'vitest';
import type { ContainerUsage } from '../../electron/shared/models';
import { formatPercent, fraction, topBy, totalsOf } from './usage';

const c = (name: string, cpuPercent: number, memUsage: number): ContainerUsage => ({ id: name, name, cpuPercent, memUsage, memLimit: 1 << 30 });

describe('resource overview arithmetic', () => {
  it('totals CPU against 100 per CPU and memory against the engine machine', () => {
    const t = totalsOf({ time: 0, engine: { cpus: 4, memTotal: 8 << 30, isVm: false }, containers: [c('a', 150, 1 << 20), c('b', 30.5, 3 << 20)] });
    expect(t).toEqual({ cpuPercent: 180.5, cpuCapacity: 400, memUsage: 4 << 20, memTotal: 8 << 30, running: 2 });
  });

  it('top consumers: highest first, ties by name, idle ones left out, at most n', () => {
    const list = [c('z', 5, 10), c('a', 5, 30), c('idle', 0, 0), c('big', 90, 20)];
    expect(topBy(list, 'cpuPercent', 2).map((x) => x.name)).toEqual(['big', 'a']);
    expect(topBy(list, 'memUsage', 5).map((x) => x.name)).toEqual(['a', 'big', 'z']);
    expect(list.map((x) => x.name)).toEqual(['z', 'a', 'idle', 'big']); // the input is left as it was
  });

  it('bars stay between empty and full', () => {
    expect(fraction(50, 200)).toBe(0.25);
    expect(fraction(300, 200)).toBe(1);
    expect(fraction(-1, 200)).toBe(0);
    expect(fraction(5, 0)).toBe(0);
    expect(fraction(NaN, 10)).toBe(0);
  });

  it('percentages: one decimal under 10, none above', () => {
    expect([formatPercent(0), formatPercent(3.14159), formatPercent(123.6), formatPercent(NaN)]).toEqual(['0.0 %', '3.1 %', '124 %', '—']);
  });
});
