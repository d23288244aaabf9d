/** Chart axes in the units Berth shows everywhere: binary bytes (as limits are typed) and percent. */
import { formatBytes } from './format';
import { formatPercent } from './usage';

export type ChartUnit = 'percent' | 'bytes' | 'bytes/s';

export function formatUnit(unit: ChartUnit, v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  if (unit === 'percent') return formatPercent(v);
  return unit === 'bytes' ? formatBytes(v) : `${formatBytes(v)}/s`;
}

/**
 * Tick steps an axis may use: 1-2-5 of each binary unit for bytes (1 KiB, 2 KiB, 5 KiB ... 1 MiB),
 * so ticks fall on round binary sizes; 1-2-5 decades for percent.
 */
export function tickSteps(unit: ChartUnit): number[] {
  const steps: number[] = [];
  if (unit === 'percent') {
    for (let e = -2; e <= 4; e++) for (const m of [1, 2, 5]) steps.push(m * 10 ** e);
    return steps;
  }
  for (let k = 0; k <= 4; k++) for (const m of [1, 2, 5, 10, 20, 50, 100, 200, 500]) steps.push(m * 1024 ** k);
  return steps;
}
