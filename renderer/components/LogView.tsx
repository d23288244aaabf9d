import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LogLine } from '../../electron/shared/models';
import { parseAnsi, type Segment } from '../lib/ansi';
import { sourceColour } from '../lib/log-sources';
import { rowsFor, visualLength, WrapLayout } from '../lib/log-wrap';
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
  /** Long lines wrap (rows of as many lines as they need) instead of scrolling sideways. */
  wrap?: boolean;
  /** Which lines are shown (say, only those matching a query): another one lays the wrapped rows out anew. */
  shownKey?: string;
  /** A merged log's services, in the order first seen: each line is prefixed by its own, in its colour. */
  sources?: string[];
  label?: string;
}

const TIME_COLS = 23; // "YYYY-MM-DD HH:MM:SS.mmm"
const lengths = new WeakMap<LogLine, number>(); // a line's columns, counted once

function SegmentSpan({ s, query, regex, active }: { s: Segment; query: string; regex: boolean; active: boolean }) {
  const style =
    s.fg || s.bg || s.bold || s.dim || s.italic || s.underline
      ? {
          color: s.fg,
          background: s.bg,
          fontWeight: s.bold ? 700 : undefined,
          opacity: s.dim ? 0.7 : undefined,
          fontStyle: s.italic ? 'italic' : undefined,
          textDecoration: s.underline ? 'underline' : undefined,
        }
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
  const measure = useRef<HTMLSpanElement>(null);
  const [view, setView] = useState({ top: 0, height: 600, width: 800 });
  const [charW, setCharW] = useState(7.5);

  useEffect(() => {
    const el = ref.current!;
    const ro = new ResizeObserver(() => {
      setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
      const w = measure.current?.getBoundingClientRect().width;
      if (w) setCharW(w / 10);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const sourceCols = p.sources?.length ? Math.max(...p.sources.map((x) => x.length)) : 0;
  // Wrapped: rows before each line, by the columns a row has (prefixes included, each with its gap).
  const cols = Math.max(10, Math.floor((view.width - 23) / charW));
  const prefix = (p.timestamps ? TIME_COLS + Math.ceil(10 / charW) : 0) + (sourceCols ? sourceCols + 3 : 0);
  const layout = useRef(new WrapLayout<LogLine>()).current;
  const wrapped = useMemo(() => {
    if (!p.wrap) return undefined;
    // Only the lines new since the last publish are counted: the rest keep their rows.
    return layout.update(`${cols}|${prefix}|${p.shownKey ?? ''}`, p.length, p.lineAt, (line) => {
      let n = lengths.get(line);
      if (n === undefined) lengths.set(line, (n = visualLength(line.text)));
      return rowsFor(n + prefix, cols);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.wrap, p.version, p.length, p.lineAt, p.shownKey, cols, prefix]);
  const rowOf = (i: number) => (wrapped ? wrapped.rowOf(Math.min(i, p.length)) : i);

  useLayoutEffect(() => {
    const el = ref.current!;
    if (p.follow) el.scrollTop = el.scrollHeight;
  }, [p.version, p.follow, p.length, p.wrap]);

  useLayoutEffect(() => {
    if (p.activeLine === undefined) return;
    const el = ref.current!;
    const y = rowOf(p.activeLine) * ROW;
    if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - ROW) el.scrollTop = Math.max(0, y - el.clientHeight / 2);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [p.activeLine]);

  const onScroll = () => {
    const el = ref.current!;
    setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (atBottom !== p.follow) p.onFollowChange(atBottom);
  };

  const topRow = Math.floor(view.top / ROW);
  const bottomRow = Math.ceil((view.top + view.height) / ROW);
  const first = Math.max(0, (wrapped ? wrapped.lineAtRow(topRow) : topRow) - OVERSCAN);
  const last = Math.min(p.length, (wrapped ? wrapped.lineAtRow(bottomRow) + 1 : bottomRow) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const line = p.lineAt(i);
    if (!line) continue;
    const active = i === p.activeLine;
    const continues = !!p.lineAt(i - 1)?.more; // a piece of a line over 64 KiB, after the piece before it
    const style = wrapped ? { top: rowOf(i) * ROW, height: (rowOf(i + 1) - rowOf(i)) * ROW } : { top: i * ROW };
    rows.push(
      <div key={i} className={`log-row${p.wrap ? ' wrap' : ''}${line.err ? ' err' : ''}${active ? ' active' : ''}`} style={style} data-line={i} data-continues={continues || undefined}>
        {continues ? (
          <span className="log-time" title="Goes on from the row above: a line over 64 KiB is shown in pieces">
            ↪
          </span>
        ) : (
          p.timestamps && line.time && <span className="log-time">{line.time.replace('T', ' ').replace(/\.(\d{3})\d*Z$/, '.$1')}</span>
        )}
        {line.source && p.sources && (
          <span className="log-source" style={{ color: sourceColour(p.sources, line.source) }}>
            {line.source.padEnd(sourceCols)} |{' '}
          </span>
        )}
        {parseAnsi(line.text).map((s, j) => (
          <SegmentSpan key={j} s={s} query={p.query} regex={!!p.regex} active={active} />
        ))}
      </div>,
    );
  }
  return (
    <div className="log-view" ref={ref} onScroll={onScroll} role="log" aria-label={p.label ?? 'Container log'}>
      <span className="log-measure" ref={measure} aria-hidden>
        MMMMMMMMMM
      </span>
      <div style={{ height: rowOf(p.length) * ROW, position: 'relative' }}>{rows}</div>
    </div>
  );
}
