/** A log with its tools: search (text or regex), only matching, range, tail, timestamps, follow, wrap, copy and download. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LogView } from '../../components/LogView';
import { rangeInput } from '../../lib/log-range';
import { saveBlob } from '../../lib/save-blob';
import {
  clearLogView,
  LOG_CAPACITY,
  logLine,
  logsAsText,
  setFollow,
  setLogQuery,
  setLogRegex,
  setOnlyMatching,
  setTail,
  setTimestamps,
  setWrap,
  showLogRange,
  shownLine,
  stepMatch,
  useLogs,
  type TailOption,
} from '../../stores/logs';

const lines = (n: number) => `${n.toLocaleString()} line${n === 1 ? '' : 's'}`;

/** From / until: the lines of a time range, read again from the engine (until set: no following). */
function LogRange({ since, until }: { since?: number; until?: number }) {
  const [from, setFrom] = useState(rangeInput(since));
  const [to, setTo] = useState(rangeInput(until));
  const [problem, setProblem] = useState<string>();
  const apply = () => setProblem(showLogRange(from, to));
  return (
    <span className="log-range">
      <input type="datetime-local" step="1" aria-label="Lines from" value={from} onChange={(e) => setFrom(e.target.value)} />
      <input type="datetime-local" step="1" aria-label="Lines until" value={to} onChange={(e) => setTo(e.target.value)} />
      <button onClick={apply} disabled={from === rangeInput(since) && to === rangeInput(until)}>
        Show range
      </button>
      {problem && (
        <span className="form-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

/** The log view and its tools, for whichever log the logs store has open (a container's, a project's). */
export function LogPanel({ name, label }: { name: string; label?: string }) {
  const s = useLogs(useShallow((st) => ({ ...st })));
  const only = s.onlyMatching && !!s.query;
  const active = s.current >= 0 ? (only ? s.current : s.matches[s.current]) : undefined;
  return (
    <div className="logs-tab">
      <div className="log-toolbar">
        <input
          type="search"
          className="search"
          placeholder="Search log"
          aria-label="Search log"
          value={s.query}
          onChange={(e) => setLogQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && stepMatch(e.shiftKey ? -1 : 1)}
        />
        <span className="muted match-count" role="group" aria-label="Matches">
          {s.query ? (s.matches.length ? `${s.current + 1} / ${s.matches.length}` : 'no match') : ''}
        </span>
        <label className="check">
          <input type="checkbox" checked={s.regex} onChange={(e) => setLogRegex(e.target.checked)} /> Regex
        </label>
        <label className="check">
          <input type="checkbox" checked={s.onlyMatching} onChange={(e) => setOnlyMatching(e.target.checked)} /> Only matching
        </label>
        <button onClick={() => stepMatch(-1)} disabled={!s.matches.length} aria-label="Previous match">
          ↑
        </button>
        <button onClick={() => stepMatch(1)} disabled={!s.matches.length} aria-label="Next match">
          ↓
        </button>
        <label className="check">
          <input type="checkbox" checked={s.timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <label className="check">
          <input type="checkbox" checked={s.follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label className="check">
          <input type="checkbox" checked={s.wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
        <LogRange since={s.since} until={s.until} />
        <select aria-label="Lines to load" value={String(s.tail)} onChange={(e) => setTail((e.target.value === 'all' ? 'all' : Number(e.target.value)) as TailOption)}>
          <option value="1000">Last 1,000 lines</option>
          <option value="10000">Last 10,000 lines</option>
          <option value="all">All lines</option>
        </select>
        <span className="toolbar-actions">
          <button onClick={() => void navigator.clipboard.writeText(logsAsText())}>Copy</button>
          <button onClick={() => saveBlob(new Blob([logsAsText()], { type: 'text/plain' }), `${name}.log`)}>Download</button>
          <button onClick={clearLogView}>Clear</button>
        </span>
      </div>
      {s.queryError && (
        <p className="form-error" role="alert">
          {s.queryError}
        </p>
      )}
      {s.status === 'error' && <p className="list-error">Log stream failed: {s.error}</p>}
      {s.dropped > 0 && (
        <p className="muted small">
          Showing the last {lines(LOG_CAPACITY)}; {s.dropped === 1 ? '1 older line is' : `${s.dropped.toLocaleString()} older lines are`} not kept.
        </p>
      )}
      <LogView
        length={only ? s.matches.length : s.length}
        version={s.version}
        lineAt={only ? shownLine : logLine}
        timestamps={s.timestamps}
        query={s.query}
        regex={s.regex}
        activeLine={active}
        follow={s.follow}
        onFollowChange={setFollow}
        wrap={s.wrap}
        shownKey={only ? `only:${s.regex ? 're' : 'text'}:${s.query}` : 'all'}
        sources={s.sources.length ? s.sources : undefined}
        label={label}
      />
      <div className="log-status muted">
        {only ? `${lines(s.matches.length)} of ${lines(s.length)} match` : lines(s.length)}
        {s.since || s.until
          ? ` · ${s.since ? `from ${new Date(s.since * 1000).toLocaleString()}` : ''}${s.since && s.until ? ' ' : ''}${s.until ? `until ${new Date(s.until * 1000).toLocaleString()}` : ''}`
          : ''}
        {s.status === 'streaming' ? ' · live' : s.status === 'ended' ? ' · stream ended' : ''}
      </div>
    </div>
  );
}

/** `state`: reloaded when the container changes state (a restart counts, a stop ends the ports). */
