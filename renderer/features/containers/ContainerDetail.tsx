import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { Highlight } from '../../components/Highlight';
import { LogView } from '../../components/LogView';
import { failingWords, shortId } from '../../lib/format';
import { StatsTab } from './StatsTab';
import { containerAction, removeOpenContainer } from '../../stores/actions';
import { loadInspect, useInspect } from '../../stores/inspect';
import {
  clearLogView,
  closeLogs,
  LOG_CAPACITY,
  logLine,
  logsAsText,
  openLogs,
  setFollow,
  setLogQuery,
  setLogRange,
  setLogRegex,
  setOnlyMatching,
  shownLine,
  setTail,
  setTimestamps,
  stepMatch,
  useLogs,
  type TailOption,
} from '../../stores/logs';
import { containers } from '../../stores/resources';
import { closeContainer, openDialog } from '../../stores/ui';
import { copyRunCommand, runAgain } from '../../stores/container-actions';
import { saveBlob } from '../../lib/save-blob';
import { FilesTab } from './FilesTab';
import { HealthTab } from './HealthTab';
import { TerminalTab } from './TerminalTab';

type Tab = 'logs' | 'terminal' | 'files' | 'stats' | 'health' | 'inspect';
const TABS: { id: Tab; label: string }[] = [
  { id: 'logs', label: 'Logs' },
  { id: 'terminal', label: 'Terminal' },
  { id: 'files', label: 'Files' },
  { id: 'stats', label: 'Stats' },
  { id: 'health', label: 'Health' },
  { id: 'inspect', label: 'Inspect' },
];

const lines = (n: number) => `${n.toLocaleString()} line${n === 1 ? '' : 's'}`;

/** A datetime-local value <-> unix seconds (the browser's time zone). */
const toInput = (sec?: number) => (sec ? new Date(sec * 1000 - new Date(sec * 1000).getTimezoneOffset() * 60_000).toISOString().slice(0, 19) : '');
const fromInput = (v: string) => (v ? Math.floor(new Date(v).getTime() / 1000) || undefined : undefined);

/** From / until: the lines of a time range, read again from the engine (until set: no following). */
function LogRange({ since, until }: { since?: number; until?: number }) {
  const [from, setFrom] = useState(toInput(since));
  const [to, setTo] = useState(toInput(until));
  const [problem, setProblem] = useState<string>();
  const apply = () => {
    const s = fromInput(from);
    const u = fromInput(to);
    if (s && u && u <= s) return setProblem('"Until" must be after "from".');
    setProblem(undefined);
    setLogRange(s, u);
  };
  return (
    <span className="log-range">
      <input type="datetime-local" step="1" aria-label="Lines from" value={from} onChange={(e) => setFrom(e.target.value)} />
      <input type="datetime-local" step="1" aria-label="Lines until" value={to} onChange={(e) => setTo(e.target.value)} />
      <button onClick={apply} disabled={from === toInput(since) && to === toInput(until)}>
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

function LogsTab({ id, name }: { id: string; name: string }) {
  const s = useLogs(useShallow((st) => ({ ...st })));
  useEffect(() => {
    openLogs(id);
    return closeLogs;
  }, [id]);
  const only = s.onlyMatching && !!s.query;
  const active = s.current >= 0 ? (only ? s.current : s.matches[s.current]) : undefined;
  return (
    <div className="logs-tab">
      <div className="log-toolbar">
        <input type="search" className="search" placeholder="Search log" aria-label="Search log" value={s.query} onChange={(e) => setLogQuery(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && stepMatch(e.shiftKey ? -1 : 1)} />
        <span className="muted match-count" aria-label="Matches">
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
      <LogView length={only ? s.matches.length : s.length} version={s.version} lineAt={only ? shownLine : logLine} timestamps={s.timestamps} query={s.query} regex={s.regex} activeLine={active} follow={s.follow} onFollowChange={setFollow} />
      <div className="log-status muted">
        {only ? `${lines(s.matches.length)} of ${lines(s.length)} match` : lines(s.length)}
        {s.since || s.until ? ` · ${s.since ? `from ${new Date(s.since * 1000).toLocaleString()}` : ''}${s.since && s.until ? ' ' : ''}${s.until ? `until ${new Date(s.until * 1000).toLocaleString()}` : ''}` : ''}{s.status === 'streaming' ? ' · live' : s.status === 'ended' ? ' · stream ended' : ''}
      </div>
    </div>
  );
}

/** `state`: reloaded when the container changes state (a restart counts, a stop ends the ports). */
function InspectTab({ id, state }: { id: string; state?: string }) {
  const { data, summary, error } = useInspect(useShallow((s) => ({ data: s.data, summary: s.summary, error: s.error })));
  const [query, setQuery] = useState('');
  useEffect(() => {
    void loadInspect(id);
  }, [id, state]);
  const json = useMemo(() => (data ? JSON.stringify(data, null, 2).split('\n') : []), [data]);
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    pre.current?.querySelector('mark')?.scrollIntoView({ block: 'center' });
  }, [query]);
  if (error) return <p className="list-error">Could not inspect: {error}</p>;
  if (!data || !summary) return <p className="muted">Loading…</p>;
  const matches = query ? json.filter((l) => l.toLowerCase().includes(query.toLowerCase())).length : 0;
  return (
    <div className="inspect-tab">
      <dl className="summary" aria-label="Summary">
        {summary.map((row) => (
          <div key={row.label}>
            <dt>{row.label}</dt>
            <dd className="mono">{row.values.length ? row.values.map((v, i) => <div key={i}>{v}</div>) : '—'}</dd>
          </div>
        ))}
      </dl>
      <div className="log-toolbar">
        <input type="search" className="search" placeholder="Search JSON" aria-label="Search JSON" value={query} onChange={(e) => setQuery(e.target.value)} />
        <span className="muted">{query ? `${matches} matching line${matches === 1 ? '' : 's'}` : ''}</span>
      </div>
      <pre className="json" aria-label="Inspect JSON" ref={pre}>
        {json.map((l, i) => (
          <div key={i}>
            <Highlight text={l} query={query} />
          </div>
        ))}
      </pre>
    </div>
  );
}

export function ContainerDetail({ id }: { id: string }) {
  const c = containers.use((s) => s.items.find((x) => x.id === id));
  const gone = containers.use((s) => s.loaded) && !c; // removed by someone else (docker rm, --rm) while open
  const [tab, setTab] = useState<Tab>('logs');
  const lastName = useRef<string>(undefined);
  if (c) lastName.current = c.name;
  const name = lastName.current ?? shortId(id);
  const running = c?.state === 'running' || c?.state === 'paused' || c?.state === 'restarting';
  return (
    <section className="view detail">
      <header className="toolbar">
        <button onClick={closeContainer} aria-label="Back to containers">
          ← Containers
        </button>
        <h1>{name}</h1>
        {c && <Badge label={c.state} />}
        {c && c.health !== 'none' && <Badge label={c.health} title={failingWords(c.failingStreak)} />}
        <span className="muted mono">{c?.image}</span>
        {c && (
          <span className="toolbar-actions">
            <button onClick={() => void containerAction([id], running ? 'stop' : 'start')}>{running ? 'Stop' : 'Start'}</button>
            <button onClick={() => void containerAction([id], 'restart')}>Restart</button>
            <button onClick={() => void runAgain(id)} title="The Run dialog with this container's settings">
              Run again…
            </button>
            <button onClick={() => void copyRunCommand(id)}>Copy as docker run</button>
            <button onClick={() => openDialog({ kind: 'container-rename', id, name })}>Rename…</button>
            <button onClick={() => openDialog({ kind: 'container-commit', id, name })}>Commit…</button>
            <button className="danger" onClick={() => void removeOpenContainer(id)}>
              Remove
            </button>
          </span>
        )}
      </header>
      {gone && (
        <div className="banner banner-info gone" role="status">
          <span>
            <strong>{name} no longer exists.</strong> It was removed outside this page (with <span className="mono">docker rm</span>, or by <span className="mono">--rm</span> when it exited). The log lines already shown stay until you leave.
          </span>
          <button onClick={closeContainer}>Back to containers</button>
        </div>
      )}
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'logs' && <LogsTab id={id} name={name} />}
      {tab === 'terminal' && <TerminalTab id={id} running={c?.state === 'running'} />}
      {tab === 'files' && <FilesTab id={id} name={name} />}
      {tab === 'stats' && <StatsTab id={id} running={c?.state === 'running'} />}
      {tab === 'health' && <HealthTab id={id} />}
      {tab === 'inspect' && <InspectTab id={id} state={c?.state} />}
    </section>
  );
}
