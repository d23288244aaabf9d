import type { ReactNode } from 'react';
import type { SortState } from '../lib/table';

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
}

export function Table<T>(p: Props<T>) {
  const selectable = p.rows.filter((r) => p.isSelectable?.(r) ?? true).map(p.rowKey);
  const allSelected = selectable.length > 0 && selectable.every((k) => p.selected?.includes(k));
  return (
    <div className={`table-wrap${p.stale ? ' stale' : ''}`}>
      <table aria-label={p.label}>
        <thead>
          <tr>
            {p.onToggle && (
              <th className="col-check">
                <input
                  type="checkbox"
                  aria-label="Select all"
                  checked={allSelected}
                  onChange={() => p.onSelectAll?.(allSelected ? [] : selectable)}
                />
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
          {p.rows.map((r) => {
            const key = p.rowKey(r);
            const canSelect = p.isSelectable?.(r) ?? true;
            return (
              <tr key={key} data-key={key} className={p.selected?.includes(key) ? 'selected' : undefined}>
                {p.onToggle && (
                  <td className="col-check">
                    <input type="checkbox" aria-label={`Select ${key}`} disabled={!canSelect} checked={p.selected?.includes(key) ?? false} onChange={() => p.onToggle!(key)} />
                  </td>
                )}
                {p.columns.map((c) => (
                  <td key={c.id} className={c.className}>
                    {c.render(r)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {p.rows.length === 0 && <div className="empty">{p.empty}</div>}
    </div>
  );
}
