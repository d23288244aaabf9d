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

/** A line of a grouped table: a group's own row, or one of the rows (`grouped` when it sits under a group). */
export type TableLine<T> = { kind: 'group'; name: string; rows: T[] } | { kind: 'row'; row: T; grouped: boolean };

/**
 * Rows in their order, with the rows of one group (a compose project) gathered under its own
 * line where its first row stood; a collapsed group keeps its line and hides its rows.
 */
export function groupRows<T>(rows: readonly T[], groupOf: (row: T) => string | undefined, collapsed: ReadonlySet<string> = new Set()): TableLine<T>[] {
  const members = new Map<string, T[]>();
  for (const r of rows) {
    const g = groupOf(r);
    if (g === undefined) continue;
    const list = members.get(g);
    if (list) list.push(r);
    else members.set(g, [r]);
  }
  const lines: TableLine<T>[] = [];
  for (const r of rows) {
    const g = groupOf(r);
    if (g === undefined) lines.push({ kind: 'row', row: r, grouped: false });
    else if (members.get(g)![0] === r) {
      lines.push({ kind: 'group', name: g, rows: members.get(g)! });
      if (!collapsed.has(g)) for (const m of members.get(g)!) lines.push({ kind: 'row', row: m, grouped: true });
    }
  }
  return lines;
}
