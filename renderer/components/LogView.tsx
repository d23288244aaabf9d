import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { LogLine } from '../../electron/shared/models';
import { parseAnsi, type Segment } from '../lib/ansi';
import { Highlight } from './Highlight';

const ROW = 18; // px per line: fixed, so only the visible rows are ever rendered
const OVERSCAN = 20;

interface Props {
  length: number;
  version: number;
  lineAt: (i: number) => LogLine | undefined;
  timestamps: boolean;
  query: string;
  /** The query is a regular expression. */
  regex?: boolean;
  /** Line to bring into view and mark (the current search match). */
  activeLine?: number;
  follow: boolean;
  /** The user scrolled up (stop following) or back to the bottom (follow again). */
  onFollowChange: (follow: boolean) => void;
}

function SegmentSpan({ s, query, regex, active }: { s: Segment; query: string; regex: boolean; active: boolean }) {
  const style = s.fg || s.bg || s.bold || s.dim || s.italic || s.underline
    ? { color: s.fg, background: s.bg, fontWeight: s.bold ? 700 : undefined, opacity: s.dim ? 0.7 : undefined, fontStyle: s.italic ? 'italic' : undefined, textDecoration: s.underline ? 'underline' : undefined }
    : undefined;
  return (
    <span style={style}>
      <Highlight text={s.text} query={query} regex={regex} active={active} />
    </span>
  );
}

/** A virtualized, colour-aware log: renders only the rows in view, keeps to the bottom while following. */
export function LogView(p: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = ref.current!;
    if (p.follow) el.scrollTop = el.scrollHeight;
  }, [p.version, p.follow, p.length]);

  useLayoutEffect(() => {
    if (p.activeLine === undefined) return;
    const el = ref.current!;
    const y = p.activeLine * ROW;
    if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - ROW) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
  }, [p.activeLine]);

  const onScroll = () => {
    const el = ref.current!;
    setView({ top: el.scrollTop, height: el.clientHeight });
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (atBottom !== p.follow) p.onFollowChange(atBottom);
  };

  const first = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const last = Math.min(p.length, Math.ceil((view.top + view.height) / ROW) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const line = p.lineAt(i);
    if (!line) continue;
    const active = i === p.activeLine;
    const continues = !!p.lineAt(i - 1)?.more; // a piece of a line over 64 KiB, after the piece before it
    rows.push(
      <div key={i} className={`log-row${line.err ? ' err' : ''}${active ? ' active' : ''}`} style={{ top: i * ROW }} data-line={i} data-continues={continues || undefined}>
        {continues ? (
          <span className="log-time" title="Goes on from the row above: a line over 64 KiB is shown in pieces">
            ↪
          </span>
        ) : (
          p.timestamps && line.time && <span className="log-time">{line.time.replace('T', ' ').replace(/\.(\d{3})\d*Z$/, '.$1')}</span>
        )}
        {parseAnsi(line.text).map((s, j) => (
          <SegmentSpan key={j} s={s} query={p.query} regex={!!p.regex} active={active} />
        ))}
      </div>,
    );
  }
  return (
    <div className="log-view" ref={ref} onScroll={onScroll} role="log" aria-label="Container log">
      <div style={{ height: p.length * ROW, position: 'relative' }}>{rows}</div>
    </div>
  );
}
