import type { ReactNode } from 'react';

/** `text` with every case-insensitive occurrence of `query` wrapped in <mark>. */
export function Highlight({ text, query, active = false }: { text: string; query: string; active?: boolean }) {
  if (!query) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, at)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(
      <mark key={i} className={active ? 'active' : undefined}>
        {text.slice(i, i + q.length)}
      </mark>,
    );
    at = i + q.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
