import type { ContainerAction } from '../../../electron/shared/api-contract';
import type { ContainerSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import type { Column } from '../../components/Table';
import { useEffect } from 'react';
import { failingWords, formatBytes, relativeTime, shortId } from '../../lib/format';
import { formatPercent } from '../../lib/usage';
import { useUsage, watchUsage } from '../../stores/usage';
import { containerAction, removeContainers } from '../../stores/actions';
import { containers } from '../../stores/resources';
import { openContainer, openDialog } from '../../stores/ui';
import { openRunDialog } from '../../stores/run-form';
import { copyPortAddress, openPort } from '../../stores/ports';
import { useProjectGroups } from './ComposeProjects';
import { ResourceList } from '../ResourceList';

function Ports({ c }: { c: ContainerSummary }) {
  return (
    <span className="ports">
      {c.ports.map((p) => {
        const key = `${p.privatePort}/${p.type}/${p.ip ?? ''}`;
        const label = `${p.publicPort}:${p.privatePort}${p.type === 'tcp' ? '' : `/${p.type}`}`;
        if (!p.publicPort)
          return (
            <span key={key} className="muted">
              {p.privatePort}/{p.type}
            </span>
          );
        return (
          <span key={key} className="port">
            {p.type === 'tcp' ? (
              <button className="link" title={`Open port ${p.publicPort} in the browser`} onClick={() => void openPort(c.id, p)}>
                {label}
              </button>
            ) : (
              <span>{label}</span>
            )}
            <button
              className="icon"
              aria-label={`Copy the address of port ${p.publicPort}${p.type === 'tcp' ? '' : `/${p.type}`}${p.ip && p.ip !== '0.0.0.0' ? ` on ${p.ip}` : ''} of ${c.name}`} // names its row, and its address when IPv4 and IPv6 both have it
              title="Copy host:port"
              onClick={() => void copyPortAddress(c.id, p)}
            >
              ⧉
            </button>
          </span>
        );
      })}
    </span>
  );
}

function Health({ c }: { c: ContainerSummary }) {
  if (c.health === 'none')
    return (
      <span className="muted" title="No health check">
        —
      </span>
    );
  const failing = failingWords(c.failingStreak);
  return (
    <div className="name-cell">
      <Badge label={c.health} title={`Health check: ${c.health}${failing ? `, ${failing}` : ''}`} />
      {failing && <span className="muted small">{failing}</span>}
    </div>
  );
}

/** CPU and memory from the live overview, for running containers. */
function Usage({ c, what }: { c: ContainerSummary; what: 'cpu' | 'memory' }) {
  const u = useUsage((s) => s.byId[c.id]);
  if (!u) return <span className="muted">{c.state === 'running' ? '…' : '—'}</span>;
  if (what === 'cpu') return <span className="mono">{formatPercent(u.cpuPercent)}</span>;
  return (
    <span className="mono" title={`${formatBytes(u.memUsage)} of ${formatBytes(u.memLimit)}`}>
      {formatBytes(u.memUsage)}
    </span>
  );
}

/** A row's actions, each named with its container for a screen reader ("Stop web"). */
function RowActions({ c }: { c: ContainerSummary }) {
  const act = (a: ContainerAction) => () => void containerAction([c.id], a);
  const running = c.state === 'running';
  const button = (a: ContainerAction, word: string) => (
    <button onClick={act(a)} aria-label={`${word} ${c.name}`}>
      {word}
    </button>
  );
  return (
    <span className="row-actions">
      {running || c.state === 'paused' || c.state === 'restarting' ? button('stop', 'Stop') : button('start', 'Start')}
      {running && button('pause', 'Pause')}
      {c.state === 'paused' && button('unpause', 'Resume')}
      {button('restart', 'Restart')}
      <button className="danger" onClick={() => void removeContainers([c.id])} aria-label={`Remove ${c.name}`}>
        Remove
      </button>
    </span>
  );
}

const columns: Column<ContainerSummary>[] = [
  {
    id: 'name',
    title: 'Name',
    sortKey: 'name',
    render: (c) => (
      <div className="name-cell">
        <button className="link" onClick={() => openContainer(c.id)} title="Logs and details">
          {c.name}
        </button>
        <span className="muted mono">
          {shortId(c.id)}
          {c.labels['com.docker.compose.service'] ? ` · service ${c.labels['com.docker.compose.service']}` : ''}
        </span>
      </div>
    ),
  },
  { id: 'image', title: 'Image', sortKey: 'image', className: 'nowrap', render: (c) => <span className="mono">{c.image}</span> },
  {
    id: 'state',
    title: 'State',
    sortKey: 'state',
    render: (c) => (
      <div className="name-cell">
        <Badge label={c.state} />
        <span className="muted">{c.status}</span>
      </div>
    ),
  },
  { id: 'health', title: 'Health', sortKey: 'health', className: 'nowrap', render: (c) => <Health c={c} /> },
  { id: 'cpu', title: 'CPU', className: 'nowrap num', render: (c) => <Usage c={c} what="cpu" /> },
  { id: 'memory', title: 'Memory', className: 'nowrap num', render: (c) => <Usage c={c} what="memory" /> },
  { id: 'ports', title: 'Ports', render: (c) => <Ports c={c} /> },
  { id: 'created', title: 'Created', sortKey: 'created', className: 'nowrap', render: (c) => <span title={new Date(c.created).toLocaleString()}>{relativeTime(c.created)}</span> },
  { id: 'actions', title: '', className: 'col-actions', render: (c) => <RowActions c={c} /> },
];

const BULK: { action: ContainerAction; label: string }[] = [
  { action: 'start', label: 'Start' },
  { action: 'stop', label: 'Stop' },
  { action: 'restart', label: 'Restart' },
  { action: 'pause', label: 'Pause' },
  { action: 'unpause', label: 'Resume' },
  { action: 'kill', label: 'Kill' },
];

export function ContainersView({ stale }: { stale: boolean }) {
  useEffect(() => watchUsage(), []); // the CPU and memory columns: live while the list shows
  const group = useProjectGroups();
  return (
    <ResourceList
      store={containers}
      title="Containers"
      noun="container"
      columns={columns}
      filters={[
        { id: 'running', label: 'Running' },
        { id: 'stopped', label: 'Stopped' },
        { id: 'unhealthy', label: 'Unhealthy' },
      ]}
      bulk={(selected) => (
        <>
          {BULK.map((b) => (
            <button key={b.action} onClick={() => void containerAction(selected, b.action)}>
              {b.label}
            </button>
          ))}
          <button className="danger" onClick={() => void removeContainers(selected)}>
            Remove
          </button>
        </>
      )}
      group={group}
      actions={
        <>
          <button onClick={() => openDialog({ kind: 'compose-up' })}>Compose up…</button>
          <button className="primary" onClick={() => openRunDialog()}>
            Run…
          </button>
        </>
      }
      emptyHint="No containers yet. Run one here or with `docker run`, and it shows up."
      stale={stale}
    />
  );
}
