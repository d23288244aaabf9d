/**
 * A manager's services: made from the Run dialog's fields that apply to one, listed with tasks running
 * of wanted, ports and the rolling update's state; scaled, given a new image, rolled back, removed;
 * each one's tasks with the node it runs on and what became of it, and its logs merged over its tasks.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ServicePort, ServiceSummary } from '../../../electron/shared/models';
import { relativeTime, shortId } from '../../lib/format';
import { openServiceRun, removeService, rollbackService, scaleService, setServiceImage, toggleServiceLogs, toggleTasks, useSwarm } from '../../stores/swarm';
import { ServiceLogs } from './ServiceLogs';

const portText = (p: ServicePort) => `${p.published ?? '?'}→${p.target}/${p.protocol}${p.mode === 'host' ? ' (host)' : ''}`;

function ServiceRow({ s }: { s: ServiceSummary }) {
  const busy = useSwarm((st) => st.busy.includes(s.id));
  const shown = useSwarm((st) => st.tasksOf === s.id);
  const logs = useSwarm((st) => st.logsOf?.id === s.id);
  const [replicas, setReplicas] = useState(String(s.desired));
  const [image, setImage] = useState(s.image);
  return (
    <tr aria-label={s.name}>
      <td>
        <strong>{s.name}</strong>
        <div className="muted mono small">
          {shortId(s.id)}
          {s.stack ? ` · stack ${s.stack}` : ''}
        </div>
      </td>
      <td className="mono">{s.image}</td>
      <td>{s.mode}</td>
      <td aria-label="Tasks running">
        {s.running}/{s.desired}
      </td>
      <td className="mono">{s.ports.map(portText).join(', ') || '—'}</td>
      <td title={s.update?.message}>{s.update ? s.update.state.replace(/_/g, ' ') : '—'}</td>
      <td className="nowrap">{relativeTime(s.updated)}</td>
      <td className="col-actions">
        <span className="row-actions">
          {s.mode === 'replicated' && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void scaleService(s, Number(replicas) || 0);
              }}
            >
              <input type="number" min={0} max={1000} value={replicas} onChange={(e) => setReplicas(e.target.value)} aria-label={`Replicas of ${s.name}`} className="narrow" />
              <button type="submit" disabled={busy} aria-label={`Scale ${s.name}`}>
                Scale
              </button>
            </form>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void setServiceImage(s, image.trim());
            }}
          >
            <input className="mono" value={image} onChange={(e) => setImage(e.target.value)} aria-label={`Image of ${s.name}`} spellCheck={false} />
            <button type="submit" disabled={busy || !image.trim() || image.trim() === s.image} aria-label={`Update ${s.name}`}>
              Update
            </button>
          </form>
          <button disabled={busy} onClick={() => void rollbackService(s)} aria-label={`Roll back ${s.name}`}>
            Roll back
          </button>
          <button onClick={() => void toggleTasks(s.id)} aria-expanded={shown} aria-label={`Tasks of ${s.name}`}>
            Tasks
          </button>
          <button onClick={() => void toggleServiceLogs(s)} aria-expanded={logs} aria-label={`Logs of ${s.name}`}>
            Logs
          </button>
          <button className="danger" disabled={busy} onClick={() => void removeService(s)} aria-label={`Remove ${s.name}`}>
            Remove
          </button>
        </span>
      </td>
    </tr>
  );
}

function Tasks() {
  const { tasksOf, tasks, services } = useSwarm(useShallow((s) => ({ tasksOf: s.tasksOf, tasks: s.tasks, services: s.services })));
  const service = services.find((s) => s.id === tasksOf);
  if (!service) return null;
  return (
    <div className="table-wrap">
      <table aria-label={`Tasks of ${service.name}`}>
        <thead>
          <tr>
            <th>Task</th>
            <th>Node</th>
            <th>Image</th>
            <th>Wanted</th>
            <th>State</th>
            <th>Since</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr key={t.id}>
              <td className="mono">
                {service.name}.{t.slot ?? shortId(t.nodeId ?? '')} <span className="muted">{shortId(t.id)}</span>
              </td>
              <td>{t.node ?? '—'}</td>
              <td className="mono">{t.image}</td>
              <td>{t.desiredState}</td>
              <td title={t.message}>{t.state}</td>
              <td className="nowrap">{relativeTime(t.since)}</td>
              <td>{t.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ServicesPanel({ stale }: { stale: boolean }) {
  const services = useSwarm((s) => s.services);
  return (
    <>
      <h2>
        Services{' '}
        <button onClick={openServiceRun} className="primary small">
          Create a service…
        </button>
      </h2>
      <p className="muted small">A service is made from the Run dialog’s fields that apply to one; the dialog says which do not.</p>
      <div className={`table-wrap services-wrap${stale ? ' stale' : ''}`}>
        <table aria-label="Services">
          <thead>
            <tr>
              <th>Service</th>
              <th>Image</th>
              <th>Mode</th>
              <th>Running</th>
              <th>Ports</th>
              <th>Update</th>
              <th>Changed</th>
              <th className="col-actions" />
            </tr>
          </thead>
          <tbody>
            {services.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No services yet.
                </td>
              </tr>
            )}
            {/* keyed by version: after a change its fields start from what the service is now */}
            {services.map((s) => (
              <ServiceRow key={`${s.id}:${s.version}`} s={s} />
            ))}
          </tbody>
        </table>
      </div>
      <Tasks />
      <ServiceLogs />
    </>
  );
}
