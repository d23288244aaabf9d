/** The resource overview's arithmetic: pure, shared by the list columns and the Resources page. */
import type { ContainerUsage, UsageSnapshot } from '../../electron/shared/models';

export interface UsageTotals {
  cpuPercent: number; // 100 = one core
  cpuCapacity: number; // 100 per CPU of the engine's machine
  memUsage: number;
  memTotal: number;
  running: number;
}

export function totalsOf(s: UsageSnapshot): UsageTotals {
  let cpu = 0;
  let mem = 0;
  for (const c of s.containers) {
    cpu += c.cpuPercent;
    mem += c.memUsage;
  }
  return { cpuPercent: cpu, cpuCapacity: s.engine.cpus * 100, memUsage: mem, memTotal: s.engine.memTotal, running: s.containers.length };
}

/** The `n` highest by `key`, ties by name; nothing that uses none of it. */
export function topBy(list: ContainerUsage[], key: 'cpuPercent' | 'memUsage', n: number): ContainerUsage[] {
  return list
    .filter((c) => c[key] > 0)
    .sort((a, b) => b[key] - a[key] || a.name.localeCompare(b.name))
    .slice(0, n);
}

/** A bar's fill, 0..1: `part` of `whole`, never past full (a limit lowered under the use) or below empty. */
export function fraction(part: number, whole: number): number {
  if (!(whole > 0) || !Number.isFinite(part)) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

export function formatPercent(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p) || p < 0) return '—';
  return `${p < 10 ? p.toFixed(1) : p.toFixed(0)} %`;
}
