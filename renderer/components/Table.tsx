import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { groupRows, type SortState } from '../lib/table';

export interface Column<T> {
  id: string;
  title: string;
  /** Set when the column can be sorted; the key into the list's sortValues. */
  sortKey?: string;
  render: (row: T) => ReactNode;
  className?: string;
}

interface Props<T> {
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  sort: SortState;
  onSort: (key: string) => void;
  selected?: string[];
  onToggle?: (key: string) => void;
  onSelectAll?: (keys: string[]) => void;
  isSelectable?: (row: T) => boolean;
  empty: ReactNode;
  stale?: boolean;
  /** Rows gathered under a line of their group's own (compose projects), which may be collapsed. */
  group?: TableGroups<T>;
}

export interface TableGroups<T> {
  of: (row: T) => string | undefined;
  collapsed: ReadonlySet<string>;
  /** The group line's accessible name ("Project shop"). */
  label: (name: string) => string;
  /** The group line's content, across all columns. */
  render: (name: string, rows: T[]) => ReactNode;
}

/** Above this many rows only the rows in view (plus some) are in the DOM. */
export const WINDOW_FROM = 200;
const OVERSCAN = 15;

interface RowProps<T> {
  row: T;
  rowKey: string;
  columns: Column<T>[];
  selected: boolean;
  canSelect: boolean;
  onToggle?: (key: string) => void;
  grouped?: boolean;
}

/** One row; it renders again only when its data (kept identical when unchanged) or selection does. */
const Row = memo(function Row<T>(p: RowProps<T>) {
  return (
    <tr data-key={p.rowKey} className={[p.selected ? 'selected' : '', p.grouped ? 'in-group' : ''].join(' ').trim() || undefined}>
      {p.onToggle && (
        <td className="col-check">
          <input type="checkbox" aria-label={`Select ${p.rowKey}`} disabled={!p.canSelect} checked={p.selected} onChange={() => p.onToggle!(p.rowKey)} />
        </td>
      )}
      {p.columns.map((c) => (
        <td key={c.id} className={c.className}>
          {c.render(p.row)}
        </td>
      ))}
    </tr>
  );
}) as <T>(p: RowProps<T>) => ReactNode;

/** Which rows of a long table are in view: measured row height, scroll position, viewport. */
function useWindow(wrap: RefObject<HTMLDivElement | null>, count: number) {
  const windowed = count > WINDOW_FROM;
  const [view, setView] = useState({ top: 0, height: 900 });
  const [rowH, setRowH] = useState(48);
  useEffect(() => {
    const el = wrap.current;
    if (!windowed || !el) return;
    const on = () => setView({ top: el.scrollTop, height: el.clientHeight || 900 });
    on();
    el.addEventListener('scroll', on, { passive: true });
    window.addEventListener('resize', on);
    return () => {
      el.removeEventListener('scroll', on);
      window.removeEventListener('resize', on);
    };
  }, [wrap, windowed]);
  useLayoutEffect(() => {
    const rows = windowed ? wrap.current?.querySelectorAll('tbody tr[data-key]') : undefined;
    if (!rows?.length) return;
    let h = 0;
    for (const r of rows) h += r.getBoundingClientRect().height;
    const avg = h / rows.length;
    if (avg > 0 && Math.abs(avg - rowH) > 2) setRowH(avg);
  }, [wrap, windowed, count, rowH]);
  if (!windowed) return { windowed, start: 0, end: count, rowH };
  const start = Math.max(0, Math.floor(view.top / rowH) - OVERSCAN);
  return { windowed, start, end: Math.min(count, Math.ceil((view.top + view.height) / rowH) + OVERSCAN), rowH };
}

export function Table<T>(p: Props<T>) {
  const wrap = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => (p.group ? groupRows(p.rows, p.group.of, p.group.collapsed) : p.rows.map((row) => ({ kind: 'row' as const, row, grouped: false }))), [p.rows, p.group]);
  const w = useWindow(wrap, lines.length);
  const span = p.columns.length + (p.onToggle ? 1 : 0);
  // Select all takes the rows on show: not those folded away under their group's line.
  const selectable = lines.flatMap((l) => (l.kind === 'row' && (p.isSelectable?.(l.row) ?? true) ? [p.rowKey(l.row)] : []));
  const selected = new Set(p.selected);
  const allSelected = selectable.length > 0 && selectable.every((k) => selected.has(k));
  return (
    <div className={`table-wrap${p.stale ? ' stale' : ''}${w.windowed ? ' windowed' : ''}`} ref={wrap}>
      <table aria-label={p.label} aria-rowcount={w.windowed ? lines.length + 1 : undefined}>
        <thead>
          <tr>
            {p.onToggle && (
              <th className="col-check">
                <input type="checkbox" aria-label="Select all" checked={allSelected} onChange={() => p.onSelectAll?.(allSelected ? [] : selectable)} />
              </th>
            )}
            {p.columns.map((c) => (
              <th key={c.id} className={c.className} aria-sort={c.sortKey && p.sort.key === c.sortKey ? (p.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sortKey ? (
                  <button className="th-sort" onClick={() => p.onSort(c.sortKey!)}>
                    {c.title}
                    <span className="sort-mark">{p.sort.key === c.sortKey ? (p.sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                  </button>
                ) : (
                  c.title
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {w.start > 0 && <tr aria-hidden="true" style={{ height: w.start * w.rowH }} />}
          {lines.slice(w.start, w.end).map((l) => {
            if (l.kind === 'group')
              return (
                <tr key={`group:${l.name}`} data-key={`group:${l.name}`} className="group-row" aria-label={p.group!.label(l.name)}>
                  <td colSpan={span}>{p.group!.render(l.name, l.rows)}</td>
                </tr>
              );
            const key = p.rowKey(l.row);
            return <Row key={key} row={l.row} rowKey={key} columns={p.columns} selected={selected.has(key)} canSelect={p.isSelectable?.(l.row) ?? true} onToggle={p.onToggle} grouped={l.grouped} />;
          })}
          {w.end < lines.length && <tr aria-hidden="true" style={{ height: (lines.length - w.end) * w.rowH }} />}
        </tbody>
      </table>
      {p.rows.length === 0 && <div className="empty">{p.empty}</div>}
    </div>
  );
}
