/** Search, filter and sort for list views: pure functions over rows. */

export type SortDir = 'asc' | 'desc';
export interface SortState {
  key: string;
  dir: SortDir;
}

export interface TableSpec<T> {
  key: (row: T) => string;
  /** Text a search query is matched against (case-insensitive, all words must match). */
  searchText: (row: T) => string;
  sortValues: Record<string, (row: T) => string | number>;
  /** Named filters, e.g. containers' "running" / "stopped". "all" is implied. */
  filters?: Record<string, (row: T) => boolean>;
}

export function visibleRows<T>(rows: readonly T[], spec: TableSpec<T>, q: { query: string; sort: SortState; filter: string }): T[] {
  const words = q.query.toLowerCase().split(/\s+/).filter(Boolean);
  const pass = spec.filters?.[q.filter];
  const out = rows.filter((r) => {
    if (pass && !pass(r)) return false;
    if (!words.length) return true;
    const text = spec.searchText(r).toLowerCase();
    return words.every((w) => text.includes(w));
  });
  const value = spec.sortValues[q.sort.key];
  if (value) {
    const sign = q.sort.dir === 'asc' ? 1 : -1;
    out.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (c || spec.key(a).localeCompare(spec.key(b))) * sign; // descending is the exact reverse
    });
  }
  return out;
}

/** Clicking a column header: same column flips direction, another column starts ascending. */
export function nextSort(current: SortState, key: string): SortState {
  return current.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}
