import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { Highlight } from '../../components/Highlight';
import { Tabs } from '../../components/Tabs';
import { failingWords, shortId } from '../../lib/format';
import { StatsTab } from './StatsTab';
import { containerAction, removeOpenContainer } from '../../stores/actions';
import { loadInspect, useInspect } from '../../stores/inspect';
import { closeLogs, openLogs } from '../../stores/logs';
import { LogPanel } from '../logs/LogPanel';
import { containers } from '../../stores/resources';
import { closeDetail, openDialog, setContainerTab, useUi } from '../../stores/ui';
import type { ContainerTab } from '../../../electron/shared/route';
import { copyRunCommand, runAgain } from '../../stores/container-actions';
import { FilesTab } from './FilesTab';
import { HealthTab } from './HealthTab';
import { TerminalTab } from './TerminalTab';

const TABS: { id: ContainerTab; label: string }[] = [
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
      <pre className="json" aria-label="Inspect JSON" ref={pre} tabIndex={0}>
        {json.map((l, i) => (
          <div key={i}>
            <Highlight text={l} query={query} />
          </div>
        ))}
      </pre>
    </div>
  );
}

export function ContainerDetail({ id: asked }: { id: string }) {
  // `asked` is the URL's: an id, a name or an id's first 12+ characters
  const c = containers.use((s) => s.items.find((x) => x.id === asked) ?? s.items.find((x) => x.name === asked || (asked.length >= 12 && x.id.startsWith(asked))));
  const lastId = useRef<string>(undefined);
  if (c) lastId.current = c.id;
  const id = lastId.current ?? asked; // kept once it is gone, so the tabs do not start again
  const loaded = containers.use((s) => s.loaded);
  const gone = loaded && !c && lastId.current !== undefined; // removed by someone else (docker rm, --rm) while open
  const unknown = !lastId.current; // a link to a container this engine does not have (or the list still loading)
  const tab = useUi((s) => s.tab) ?? 'logs';
  const lastName = useRef<string>(undefined);
  if (c) lastName.current = c.name;
  const name = lastName.current ?? (/^[0-9a-f]{64}$/.test(id) ? shortId(id) : id);
  const running = c?.state === 'running' || c?.state === 'paused' || c?.state === 'restarting';
  return (
    <section className="view detail">
      <header className="toolbar">
        <button onClick={closeDetail} aria-label="Back to containers">
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
            <button className="danger" onClick={() => void removeOpenContainer(id, asked)}>
              Remove
            </button>
          </span>
        )}
      </header>
      {gone && (
        <div className="banner banner-info gone" role="status">
          <span>
            <strong>{name} no longer exists.</strong> It was removed outside this page (with <span className="mono">docker rm</span>, or by <span className="mono">--rm</span> when it exited). The log
            lines already shown stay until you leave.
          </span>
          <button onClick={closeDetail}>Back to containers</button>
        </div>
      )}
      {unknown && loaded && (
        <div className="banner banner-info" role="status">
          <span>
            <strong>No container {asked} on this engine.</strong> The link names a container that does not exist here (removed, or on another engine).
          </span>
          <button onClick={closeDetail}>Back to containers</button>
        </div>
      )}
      {unknown && !loaded && <p className="muted">Loading…</p>}
      {!unknown && (
        <>
          <Tabs tabs={TABS} selected={tab} onSelect={setContainerTab} label={`Container ${name}`}>
            {tab === 'logs' && <LogsTab id={id} name={name} />}
            {tab === 'terminal' && <TerminalTab id={id} running={c?.state === 'running'} />}
            {tab === 'files' && <FilesTab id={id} name={name} />}
            {tab === 'stats' && <StatsTab id={id} running={c?.state === 'running'} />}
            {tab === 'health' && <HealthTab id={id} />}
            {tab === 'inspect' && <InspectTab id={id} state={c?.state} />}
          </Tabs>
        </>
      )}
    </section>
  );
}
