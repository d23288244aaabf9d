import type { ReactNode } from 'react';
import { makeMatcher } from '../lib/matcher';

/** `text` with every match of `query` (case-insensitive; a regular expression with `regex`) wrapped in <mark>. */
export function Highlight({ text, query, regex = false, active = false }: { text: string; query: string; regex?: boolean; active?: boolean }) {
  const m = makeMatcher(query, regex);
  if (!m || 'error' in m) return <>{text}</>;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of m.ranges(text)) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={start} className={active ? 'active' : undefined}>
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
