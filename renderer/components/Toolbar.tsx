import type { ReactNode } from 'react';

interface Props {
  title: string;
  count: number;
  query: string;
  onQuery: (q: string) => void;
  filters?: { id: string; label: string }[];
  filter?: string;
  onFilter?: (id: string) => void;
  children?: ReactNode; // action buttons
}

export function Toolbar(p: Props) {
  return (
    <header className="toolbar">
      <h1>
        {p.title} <span className="count">{p.count}</span>
      </h1>
      <input className="search" type="search" placeholder="Search" aria-label={`Search ${p.title.toLowerCase()}`} value={p.query} onChange={(e) => p.onQuery(e.target.value)} />
      {p.filters && (
        <div className="segmented" role="group" aria-label="Filter">
          {[{ id: 'all', label: 'All' }, ...p.filters].map((f) => (
            <button key={f.id} aria-pressed={p.filter === f.id} onClick={() => p.onFilter?.(f.id)}>
              {f.label}
            </button>
          ))}
        </div>
      )}
      <div className="toolbar-actions">{p.children}</div>
    </header>
  );
}
