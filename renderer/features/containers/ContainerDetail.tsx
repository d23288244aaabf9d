import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { Highlight } from '../../components/Highlight';
import { failingWords, shortId } from '../../lib/format';
import { StatsTab } from './StatsTab';
import { containerAction, removeOpenContainer } from '../../stores/actions';
import { loadInspect, useInspect } from '../../stores/inspect';
import { closeLogs, openLogs } from '../../stores/logs';
import { LogPanel } from '../logs/LogPanel';
import { containers } from '../../stores/resources';
import { closeContainer, openDialog } from '../../stores/ui';
import { copyRunCommand, runAgain } from '../../stores/container-actions';
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

function LogsTab({ id, name }: { id: string; name: string }) {
  useEffect(() => {
    openLogs(id);
    return closeLogs;
  }, [id]);
  return <LogPanel name={name} />;
}

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
