import { describe, expect, it } from 'vitest';
import { groupRows, nextSort, visibleRows, type TableLine, type TableSpec } from './table';

interface Row {
  id: string;
  name: string;
  size: number;
  up: boolean;
}
const spec: TableSpec<Row> = {
  key: (r) => r.id,
  searchText: (r) => `${r.name} ${r.id}`,
  sortValues: { name: (r) => r.name, size: (r) => r.size },
  filters: { up: (r) => r.up },
};
const rows: Row[] = [
  { id: '1', name: 'web-front', size: 30, up: true },
  { id: '2', name: 'db', size: 200, up: false },
  { id: '3', name: 'web-back', size: 5, up: true },
  { id: '4', name: 'cache', size: 30, up: true },
];
const names = (r: Row[]) => r.map((x) => x.name);

describe('visibleRows', () => {
  it('matches every word of the query, case-insensitively', () => {
    expect(names(visibleRows(rows, spec, { query: 'WEB back', sort: { key: 'name', dir: 'asc' }, filter: 'all' }))).toEqual(['web-back']);
  });

  it('sorts numbers numerically and breaks ties by key, both directions', () => {
    expect(names(visibleRows(rows, spec, { query: '', sort: { key: 'size', dir: 'asc' }, filter: 'all' }))).toEqual(['web-back', 'web-front', 'cache', 'db']);
    expect(names(visibleRows(rows, spec, { query: '', sort: { key: 'size', dir: 'desc' }, filter: 'all' }))).toEqual(['db', 'cache', 'web-front', 'web-back']);
  });

  it('applies a named filter, and ignores an unknown one', () => {
    expect(names(visibleRows(rows, spec, { query: '', sort: { key: 'name', dir: 'asc' }, filter: 'up' }))).toEqual(['cache', 'web-back', 'web-front']);
    expect(visibleRows(rows, spec, { query: '', sort: { key: 'name', dir: 'asc' }, filter: 'all' })).toHaveLength(4);
  });

  it('does not reorder the input array', () => {
    const copy = [...rows];
    visibleRows(rows, spec, { query: '', sort: { key: 'name', dir: 'asc' }, filter: 'all' });
    expect(rows).toEqual(copy);
  });
});

describe('nextSort', () => {
  it('flips the same column and starts another ascending', () => {
    expect(nextSort({ key: 'a', dir: 'asc' }, 'a')).toEqual({ key: 'a', dir: 'desc' });
    expect(nextSort({ key: 'a', dir: 'desc' }, 'a')).toEqual({ key: 'a', dir: 'asc' });
    expect(nextSort({ key: 'a', dir: 'desc' }, 'b')).toEqual({ key: 'b', dir: 'asc' });
  });
});

describe('groupRows', () => {
  interface R {
    id: string;
    g?: string;
  }
  const rows: R[] = [{ id: 'solo1' }, { id: 'shop-web', g: 'shop' }, { id: 'blog-db', g: 'blog' }, { id: 'solo2' }, { id: 'shop-db', g: 'shop' }];
  const of = (r: R) => r.g;
  const shape = (lines: TableLine<R>[]) => lines.map((l) => (l.kind === 'group' ? `[${l.name}:${l.rows.length}]` : `${l.grouped ? '  ' : ''}${l.row.id}`));

  it('gathers a group under its line where its first row stood, keeping the order within it', () => {
    expect(shape(groupRows(rows, of))).toEqual(['solo1', '[shop:2]', '  shop-web', '  shop-db', '[blog:1]', '  blog-db', 'solo2']);
  });

  it('a collapsed group keeps its line (with all its rows counted) and hides them', () => {
    expect(shape(groupRows(rows, of, new Set(['shop'])))).toEqual(['solo1', '[shop:2]', '[blog:1]', '  blog-db', 'solo2']);
    expect(shape(groupRows([], of))).toEqual([]);
    expect(shape(groupRows(rows, () => undefined))).toEqual(['solo1', 'shop-web', 'blog-db', 'solo2', 'shop-db']);
  });
});
