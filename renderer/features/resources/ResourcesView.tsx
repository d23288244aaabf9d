/**
 * The Resources page: what the running containers use right now (totals against the engine's
 * machine, the top consumers, a bar per container) and the Berth VM's own use on this machine.
 * Live while shown: one aggregated stream, closed when the page is left or the window hidden.
 */
import { useEffect } from 'react';
import type { ContainerUsage, UsageSnapshot } from '../../../electron/shared/models';
import { UsageBar } from '../../components/UsageBar';
import { formatBytes } from '../../lib/format';
import { formatPercent, fraction, topBy, totalsOf } from '../../lib/usage';
import { openContainer } from '../../stores/ui';
import { useUsage, watchUsage } from '../../stores/usage';

const TOP = 5;

function Totals({ s }: { s: UsageSnapshot }) {
  const t = totalsOf(s);
  return (
    <div className="usage-cards">
      <div className="stat-card" aria-label="Total CPU">
        <span className="muted">
          CPU · {s.engine.cpus} CPU{s.engine.cpus === 1 ? '' : 's'}
        </span>
        <UsageBar fraction={fraction(t.cpuPercent, t.cpuCapacity)} label={`${formatPercent(t.cpuPercent)} of ${t.cpuCapacity} %`} title="CPU used by running containers" />
      </div>
      <div className="stat-card" aria-label="Total memory">
        <span className="muted">Memory · {formatBytes(s.engine.memTotal)}</span>
        <UsageBar fraction={fraction(t.memUsage, t.memTotal)} label={`${formatBytes(t.memUsage)} of ${formatBytes(t.memTotal)}`} title="Memory used by running containers" />
      </div>
      <div className="stat-card" aria-label="Berth VM">
        <span className="muted">Berth VM on this machine</span>
        {s.vm ? (
          <strong className="stat-value">
            {formatPercent(s.vm.cpuPercent)} CPU · {formatBytes(s.vm.memUsage)}
          </strong>
        ) : s.engine.isVm ? (
          <span className="muted">Its own use cannot be read on this system.</span>
        ) : (
          <span className="muted">The engine in use is not Berth's VM.</span>
        )}
      </div>
    </div>
  );
}

function Top({ title, list, value }: { title: string; list: ContainerUsage[]; value: (c: ContainerUsage) => string }) {
  return (
    <section className="stat-card" aria-label={title}>
      <span className="muted">{title}</span>
      {list.length ? (
        <ol className="top-list">
          {list.map((c) => (
            <li key={c.id}>
              <button className="link" onClick={() => openContainer(c.id)}>
                {c.name}
              </button>
              <span className="mono">{value(c)}</span>
            </li>
          ))}
        </ol>
      ) : (
        <span className="muted">None</span>
      )}
    </section>
  );
}

function PerContainer({ s }: { s: UsageSnapshot }) {
  const capacity = s.engine.cpus * 100;
  return (
    <table className="usage-table" aria-label="Use per container">
      <thead>
        <tr>
          <th>Container</th>
          <th>CPU</th>
          <th>Memory</th>
        </tr>
      </thead>
      <tbody>
        {s.containers.map((c) => (
          <tr key={c.id} data-key={c.id}>
            <td>
              <button className="link" onClick={() => openContainer(c.id)}>
                {c.name}
              </button>
            </td>
            <td>
              <UsageBar fraction={fraction(c.cpuPercent, capacity)} label={formatPercent(c.cpuPercent)} title={`${c.name}: CPU`} />
            </td>
            <td>
              <UsageBar fraction={fraction(c.memUsage, c.memLimit)} label={`${formatBytes(c.memUsage)} / ${formatBytes(c.memLimit)}`} title={`${c.name}: memory`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ResourcesView({ stale }: { stale: boolean }) {
  useEffect(() => watchUsage(), []);
  const snapshot = useUsage((s) => s.snapshot);
  const error = useUsage((s) => s.error);
  return (
    <section className="view" aria-label="Resources">
      <header className="toolbar">
        <h1>Resources</h1>
        <span className="muted small">Live, one reading a second while this page shows</span>
      </header>
      {error && <p className="list-error">The overview is not live: {error}</p>}
      <div className={stale ? 'stale' : undefined}>
        {!snapshot ? (
          !error && <p className="muted">{stale ? 'Waiting for the engine…' : 'Reading the containers’ use…'}</p>
        ) : (
          <>
            <Totals s={snapshot} />
            <div className="usage-cards">
              <Top title="Top CPU" list={topBy(snapshot.containers, 'cpuPercent', TOP)} value={(c) => formatPercent(c.cpuPercent)} />
              <Top title="Top memory" list={topBy(snapshot.containers, 'memUsage', TOP)} value={(c) => formatBytes(c.memUsage)} />
            </div>
            {snapshot.containers.length ? <PerContainer s={snapshot} /> : <p className="muted">No container is running.</p>}
          </>
        )}
      </div>
    </section>
  );
}
